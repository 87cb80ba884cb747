import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// `hoist sync` refuses folders that are not a person's own files, and asks (--yes) before a very
// large folder's first sync. Real CLI processes, a real reference server, real folders.
let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => temp.path);

beforeEach(async () => {
  temp = await makeTempDir('hoist-cli-guard-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await temp.remove();
});

const state = (): string => join(temp.path, 'state');
const remoteArgs = (): string[] => ['--provider', 'local', '--remote', server.url, '--state', state()];
const env = (): Record<string, string> => ({
  HOIST_TOKEN: TEST_USERS.alice.token,
  // The home folder of this run: refusing it must not depend on whose machine runs the test.
  HOME: join(temp.path, 'me'),
});

async function filesIn(folder: string, count: number): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (let n = 0; n < count; n++) await writeFile(join(folder, `file-${n}.txt`), `file ${n}`);
  return folder;
}

describe('hoist sync refuses folders that are not yours to sync', () => {
  it('exits 2 with a sentence for /, home, above home, a system folder, a file, and Hoist’s own data', async () => {
    const home = await filesIn(join(temp.path, 'me'), 1);
    await mkdir(state(), { recursive: true });
    await writeFile(join(temp.path, 'notes.txt'), 'a file');
    const cases: Array<[string, RegExp]> = [
      ['/', /\/ is the whole disk: Hoist syncs one folder of your files/],
      [home, /is your whole home folder .*choose a folder inside it/],
      [temp.path, /holds your home folder/],
      ['/etc', /\/etc is a system folder/],
      ['/usr/share', /\/usr\/share is a system folder/],
      [join(temp.path, 'notes.txt'), /notes\.txt is a file, not a folder/],
      [state(), /is inside Hoist’s own data folder/],
    ];
    for (const [folder, message] of cases) {
      const run = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: env() });
      expect(run.code, `${folder}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    // Nothing was uploaded by any of them.
    expect(server.server.requestCounts.get('object.put') ?? 0).toBe(0);
  });

  it('refuses a folder that holds Hoist’s data root, and a reference remote’s own data folder', async () => {
    const parent = join(temp.path, 'work');
    await filesIn(join(parent, 'docs'), 1);
    const inside = await processes.run(
      [
        'sync',
        parent,
        '--once',
        '--provider',
        'local',
        '--remote',
        server.url,
        '--state',
        join(parent, 'hoist'),
      ],
      { env: env() },
    );
    expect(inside.code, inside.stderr).toBe(2);
    expect(inside.stderr).toMatch(/holds Hoist’s own data folder/);

    // The test server's data folder, as `hoist remote --data` made it: the remote would upload itself.
    const remoteData = await processes.run(['sync', server.dataDir, '--once', ...remoteArgs()], {
      env: env(),
    });
    expect(remoteData.code, remoteData.stderr).toBe(2);
    expect(remoteData.stderr).toMatch(/holds a Hoist remote’s own data/);
  });

  it('asks for --yes before a large folder’s first sync, and only the first time', async () => {
    const folder = await filesIn(join(temp.path, 'big'), 5);
    const small = { ...env(), HOIST_LARGE_FOLDER_FILES: '3' };
    const asked = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: small });
    expect(asked.code, asked.stderr).toBe(2);
    expect(asked.stderr).toMatch(
      /big is large: 5 files, \d+ bytes\. Its first sync uploads all of it\. To sync it, run the same command with --yes\./,
    );
    expect(server.server.requestCounts.get('object.put') ?? 0).toBe(0);

    const yes = await processes.run(['sync', folder, '--once', '--yes', ...remoteArgs()], { env: small });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/5 uploaded/);
    await writeFile(join(folder, 'one-more.txt'), 'more');
    const again = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: small });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/1 uploaded/);
  });
});
