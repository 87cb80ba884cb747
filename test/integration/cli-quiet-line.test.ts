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
  home = await makeTempDir('hoist-cli-quiet-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

/**
 * Without a terminal there is no progress bar: every 10 s of no news, a line says what Hoist does.
 * A long upload that is moving is news: it was said as "still waiting to upload …; nothing new in
 * the last 10 s" while megabytes went out (seen by hand on a 150 MB file, killed and resumed).
 */
describe('hoist sync --once, output not a terminal, one long upload', () => {
  it('says how far the upload got, never that nothing happened', async () => {
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    // 3 MB at 200 kB/s: about 15 s on the wire, one file, so no activity line in between.
    await writeFile(join(folder, 'video.bin'), randomBytes(3_000_000));

    const sync = await processes.run(
      [
        'sync',
        folder,
        '--once',
        '--bandwidth',
        '200K',
        '--provider',
        'local',
        '--remote',
        server.url,
        '--state',
        join(home.path, 'state'),
      ],
      { env: { HOIST_TOKEN: TEST_USERS.alice.token }, timeoutMs: 120_000 },
    );

    expect(sync.code, sync.stderr).toBe(0);
    const output = sync.stdout + sync.stderr;
    expect(output).toMatch(
      /uploading: [\d.]+ [kM]B of 3(\.0)? MB sent \(0 of 1 files done\); [\d.]+ [kM]B in the last 10 s/,
    );
    expect(output).not.toMatch(/nothing new/);
    expect(sync.stdout).toMatch(/1 uploaded/);
  }, 150_000);
});
