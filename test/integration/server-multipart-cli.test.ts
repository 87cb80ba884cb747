import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { MultipartHttp, bytes } from '../support/multipart-http.js';
import { makeTempDir } from '../support/temp-dir.js';

const ALICE = { name: 'alice', token: 'alice-cli-token-01' };

let home: { path: string; remove: () => Promise<void> };
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-');
});

afterEach(async () => {
  await processes.killAll();
  await home.remove();
});

describe('hoist remote: multipart options', () => {
  it('--min-part-size sets the smallest part the server takes', async () => {
    const cli = processes.spawn([
      'remote',
      '--port',
      '0',
      '--no-fsync',
      '--quiet',
      '--data',
      join(home.path, 'data'),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--min-part-size',
      '1024',
      '--multipart-ttl',
      '60',
    ]);
    const [, url] = await cli.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+) /);
    const client = new MultipartHttp(url as string, ALICE.token);
    const small = await client.create('small.bin', bytes(3000), { partSize: 1024 });
    expect(small.status, small.text).toBe(200);
    expect(small.json()).toMatchObject({ type: 'new', partSize: 1024, partCount: 3, minPartSize: 1024 });
    const tooSmall = await client.create('small.bin', bytes(3000), { partSize: 1023 });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.json<{ error: { code: string } }>().error.code).toBe('INVALID_PART_SIZE');
  });

  it.each([
    ['--min-part-size', '0', /--min-part-size must be an integer from 1 to 5368709120/],
    ['--multipart-ttl', 'soon', /--multipart-ttl must be an integer/],
  ])('exits 2 on %s %s', async (flag, value, message) => {
    const result = await processes.run(['remote', '--data', join(home.path, 'data'), flag, value]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
