import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { remoteContents } from '../support/pair-inspection.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// `hoist rm` and `hoist ls` tell the truth (issues 15 and 16): a key that is not on the remote is
// "not found", never counted as deleted and never sent (`.`, `..` and `a/../b` used to answer
// "deleted" for a 404 of another route, and an unknown key "This file belongs to another user"); a
// file can be named by the path `hoist ls` shows; `hoist ls` while the app syncs the folder checks
// the token (a wrong one used to list the cache with exit 0) and, when the remote cannot be reached,
// says the list is the cached one and since when.

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
let serverClosed = false;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-remote-names-');
  server = await startTestServer();
  serverClosed = false;
});

afterEach(async () => {
  await processes.killAll();
  if (!serverClosed) await server.close();
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
const deletes = (): number => server.server.requestCounts.get('alloy.delete') ?? 0;

/** A folder of three files synced under the remote folder Docs; returns the folder. */
async function syncedFolder(): Promise<string> {
  const folder = join(home.path, 'folder');
  await mkdir(join(folder, 'sub'), { recursive: true });
  for (const name of ['a.txt', 'sub/b.txt', 'sub/c.txt']) await writeFile(join(folder, name), name);
  const sync = await processes.run(['sync', folder, '--once', '--remote-folder', 'Docs', ...remoteArgs()], {
    env,
  });
  expect(sync.code, sync.stdout + sync.stderr).toBe(0);
  return folder;
}

async function listedKeys(): Promise<Map<string, string>> {
  const ls = await processes.run(['ls', '--json', ...remoteArgs()], { env });
  expect(ls.code, ls.stderr).toBe(0);
  const files = JSON.parse(ls.stdout) as Array<{ key: string; name: string }>;
  return new Map(files.map((file) => [file.name, file.key]));
}

describe('hoist rm', () => {
  it('reports keys that are not on the remote as not found, sends nothing for them, and counts true', async () => {
    await syncedFolder();
    const before = await remoteContents(server.dataDir);
    const rm = await processes.run(['rm', '.', '..', 'Docs/../a.txt', 'no-such-key', ...remoteArgs()], {
      env,
    });
    expect(rm.code).toBe(1);
    for (const name of ['.', '..', 'Docs/../a.txt', 'no-such-key']) {
      expect(rm.stderr).toContain(
        `not found ${name}: No file on the remote has this key or path; hoist ls lists them`,
      );
    }
    expect(rm.stderr).not.toContain('belongs to another user');
    expect(rm.stdout).toContain('0 deleted, 4 not found');
    expect(rm.stdout).not.toMatch(/^deleted/m);
    expect(deletes()).toBe(0);
    expect(await remoteContents(server.dataDir)).toEqual(before);
  });

  it('takes the path as hoist ls shows it, and a key typed with / for its ∕', async () => {
    await syncedFolder();
    const keys = await listedKeys();
    const keyOfB = keys.get('Docs/sub/b.txt') ?? '';
    const keyOfC = keys.get('Docs/sub/c.txt') ?? '';
    expect(keyOfC).toContain('\u2215');

    const rm = await processes.run(
      ['rm', 'Docs/sub/b.txt', keyOfC.replaceAll('\u2215', '/'), ...remoteArgs()],
      {
        env,
      },
    );
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`deleted Docs/sub/b.txt [${keyOfB}]`);
    expect(rm.stdout).toContain(`[${keyOfC}]`);
    expect(rm.stdout).toContain('2 deleted');
    expect(deletes()).toBe(2);
    expect([...(await remoteContents(server.dataDir)).keys()]).toEqual(['Docs/a.txt']);
  });
});

describe('hoist ls while the app syncs the folder', () => {
  it('a rejected token is an error; an unreachable remote gives the cached list, saying so and since when', async () => {
    const folder = await syncedFolder();
    const watching = processes.spawn(['sync', folder, ...remoteArgs()], env);
    await watching.waitForStdout(/Watching/);

    const wrongToken = await processes.run(['ls', ...remoteArgs()], {
      env: { HOIST_TOKEN: 'not-alices-token' },
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('rejected the API token');
    expect(wrongToken.stdout).not.toContain('Docs/a.txt');

    const fresh = await processes.run(['ls', ...remoteArgs()], { env });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toContain('3 files');

    await server.close();
    serverClosed = true;
    const cached = await processes.run(['ls', ...remoteArgs()], { env });
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stdout).toContain('3 files');
    expect(cached.stderr).toMatch(
      /^Could not refresh the list \(.+\): this is the list cached by the running sync of .+, as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/m,
    );
  });
});
