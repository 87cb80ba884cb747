import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-multipart-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

const remoteArgs = (): string[] => [
  '--provider',
  'local',
  '--remote',
  server.url,
  '--state',
  join(home.path, 'state'),
];
const aliceEnv = { HOIST_TOKEN: TEST_USERS.alice.token };

describe('hoist sync --multipart-threshold', () => {
  it('sends files at or above the threshold in parts, and the others in one PUT', async () => {
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'large.bin'), randomBytes(2_000_000));
    await writeFile(join(folder, 'small.txt'), 'one PUT');

    const sync = await processes.run(
      ['sync', folder, '--once', '--multipart-threshold', '1M', ...remoteArgs()],
      { env: aliceEnv },
    );

    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/2 uploaded/);
    expect(server.server.requestCounts.get('object.put-part')).toBe(1);
    expect(server.server.requestCounts.get('alloy.multipart-complete')).toBe(1);
    expect(server.server.requestCounts.get('object.put')).toBe(1);
  });

  it('refuses a threshold that is not a size', async () => {
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    const sync = await processes.run(['sync', folder, '--multipart-threshold', 'big', ...remoteArgs()], {
      env: aliceEnv,
    });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--multipart-threshold must be a size/);
  });

  it('refuses a threshold past 5 GiB, where files between it and the single-upload limit could not go up', async () => {
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    const sync = await processes.run(['sync', folder, '--multipart-threshold', '6Gi', ...remoteArgs()], {
      env: aliceEnv,
    });
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/--multipart-threshold must be at most 5 GiB/);
  });
});
