import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';

// What `hoist sync <empty folder> --once` starts and loads: its CPU is mostly start-up (issue 18,
// docs/benchmarks.md, Start-up), so what it need not start or load is checked here, not timed.

let home: { path: string; remove: () => Promise<void> };
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-start-up-');
});

afterEach(async () => {
  await processes.killAll();
  await home.remove();
});

const RECORDER = pathToFileURL(join(import.meta.dirname, '..', 'fixtures', 'record-loaded-modules.mjs')).href;

interface Recorded {
  /** Every module URL the main thread loaded (ES modules and require()d ones). */
  loaded: string[];
  /** Node's own modules the main thread loaded ("NativeModule internal/deps/undici/undici", …). */
  builtins: string[];
  /** Worker threads that started (the embedded remote's, the hash workers). */
  workers: number;
}

async function syncOnceRecorded(folder: string, runs: number): Promise<Recorded> {
  const record = join(home.path, 'record.json');
  let result: Recorded | null = null;
  // The first run creates the data root and the state DB; the one recorded is a repeat run.
  for (let run = 0; run < runs; run++) {
    const sync = await processes.run(['sync', folder, '--once'], {
      env: { NODE_OPTIONS: `--import=${RECORDER}`, HOIST_TEST_RECORD: record },
      timeoutMs: 60_000,
    });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Synced with This computer: 0 uploaded/);
    const { loaded, builtins } = JSON.parse(await readFile(record, 'utf8')) as Omit<Recorded, 'workers'>;
    const workers = (await readdir(home.path)).filter((name) => name.startsWith('record.json.worker-'));
    result = { loaded, builtins, workers: workers.length };
  }
  return result as Recorded;
}

describe('hoist sync <empty folder> --once', () => {
  it('starts no worker thread, and loads neither the unused providers nor Node’s bundled undici', async () => {
    const folder = join(home.path, 'empty');
    await mkdir(folder);
    const recorded = await syncOnceRecorded(folder, 2);
    // The embedded remote runs on the main thread, and no file needed the hasher pool's workers.
    expect(recorded.workers).toBe(0);
    expect(recorded.loaded.some((url) => url.endsWith('/server/reference-server.js'))).toBe(true);
    // The provider in use is loaded; the other two are not.
    expect(recorded.loaded.some((url) => url.endsWith('/alloy-provider.js'))).toBe(true);
    expect(recorded.loaded.filter((url) => /\/(composio|openwebui)-provider\.js$/.test(url))).toEqual([]);
    // node:http imported as an ES module would load it (and zlib) for its WebSocket getters.
    expect(recorded.builtins).not.toContain('NativeModule internal/deps/undici/undici');
  });

  it('loads neither zod nor mime-types nor the streaming JSON parser', async () => {
    const folder = join(home.path, 'empty');
    await mkdir(folder);
    const recorded = await syncOnceRecorded(folder, 2);
    // Nothing to check: no setting flags, no stored settings, no fault plan, and the repeat run's
    // listing is a 304 with no body. Nothing to upload, so no media type to look up.
    const packages = recorded.loaded
      .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((name) => name !== undefined);
    expect(
      packages.filter((name) => ['zod', 'mime-types', 'mime-db', '@streamparser/json'].includes(name)),
    ).toEqual([]);
    // A setting given is still checked by the schema (loaded then): no empty folder names on the remote.
    const flagged = await processes.run(['sync', folder, '--once', '--remote-folder', 'a//b'], {
      timeoutMs: 60_000,
    });
    expect(flagged.code).not.toBe(0);
    expect(flagged.stderr).toMatch(/--remote-folder must be folder names separated by "\/"/);
  });
});
