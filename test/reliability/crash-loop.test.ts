import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { folderSnapshot, remoteSnapshot } from '../support/remote-snapshot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { mulberry32 } from '../../electron/server/faults.js';
import { openSqlite } from '../../electron/base/sqlite.js';

// A crash at any instant loses nothing (issue 11): `hoist sync --once` is SIGKILLed at random
// instants, 20 times, with files added and rewritten between kills; then one clean run, and the
// remote must equal the folder byte for byte, both databases must pass integrity_check, and no
// upload may be left half-written on the server.

const KILLS = 20;

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-crash-loop-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

describe('a crash at any instant', () => {
  it('20 SIGKILLs mid-sync, files changing between them: the remote ends equal to the folder', async () => {
    const next = mulberry32(11);
    const folder = join(home.path, 'folder');
    await mkdir(join(folder, 'sub'), { recursive: true });
    const state = join(home.path, 'state');
    const args = ['sync', folder, '--once', '--provider', 'local', '--remote', server.url, '--state', state];
    let fileCount = 0;
    const writeRandom = async (path: string): Promise<void> => {
      const size = Math.floor(next() * 300_000);
      await writeFile(join(folder, path), Buffer.alloc(size, Math.floor(next() * 256)));
    };
    for (let index = 0; index < 20; index++) await writeRandom(`f${fileCount++}.bin`);

    for (let kill = 0; kill < KILLS; kill++) {
      for (let index = 0; index < 3; index++)
        await writeRandom(`${index % 2 ? 'sub/' : ''}f${fileCount++}.bin`);
      for (let index = 0; index < 2; index++) await writeRandom(`f${Math.floor(next() * 20)}.bin`);
      const run = processes.spawn(args, env);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(next() * 1400)));
      run.child.kill('SIGKILL');
      await run.exited;
    }

    const last = await processes.run(args, { env, timeoutMs: 120_000 });
    expect(last.code, last.stdout + last.stderr).toBe(0);

    // The remote equals the folder, byte for byte (read from the server's own catalog and blobs).
    expect(await remoteSnapshot(server.dataDir)).toEqual(await folderSnapshot(folder));
    const catalog = new Database(join(server.dataDir, 'catalog.db'), { readonly: true });
    try {
      expect(catalog.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      catalog.close();
    }

    for (const pair of await readdir(join(state, 'pairs'))) {
      // Through Hoist's own opener: the mirror's natural-order index needs its `natural_key` function.
      const db = openSqlite(join(state, 'pairs', pair, 'state.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    }
    // No upload left half-written: the server's temp dir holds nothing once no request runs.
    expect(await readdir(join(server.dataDir, 'tmp'))).toEqual([]);
  }, 300_000);
});
