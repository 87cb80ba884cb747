/**
 * What a huge remote listing costs the client. Run it with `npm run bench` (all benches) or
 * `npm run build:node && node dist/test/bench/listing-rss.bench.js`. Not a test: it prints a table,
 * writes bench-results/listing-rss.json and exits 0 unless something broke.
 *
 * A small streaming server (test/support/listing-server.ts) lists 1,000,000 generated files in the
 * Alloy dialect: one unpaged `{"files": [...]}` of ~200 MB, written as it goes, with an ETag. Hoist
 * syncs an empty folder against it (`hoist sync <empty> --once --provider alloy`), so all it does is
 * mirror the listing; VmHWM of the hoist process is sampled every 50 ms (the server runs in this
 * process and does not count). Three runs on one state dir:
 * 1. first: an empty mirror filled with 1,000,000 entries;
 * 2. unchanged: the server answers the conditional listing with 304;
 * 3. changed: a new listing with 1 in 100 entries gone and every size changed, diffed against the
 *    1,000,000-row mirror (the most a refresh can write).
 * Each run also says how many times the listing was fetched, the state DB's size after it and its
 * WAL's at its largest.
 * Goal: peak RSS < 300 MB (10^6 bytes) in every run; the listing fetched once per run.
 *
 * Options: --count N (default 1,000,000).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startListingServer } from '../support/listing-server.js';
import { spawnChild } from './bench-support/child.js';
import { benchLog, onCleanup, runBench, runCleanups } from './bench-support/cleanup.js';
import { hoistEnv } from './bench-support/hoist.js';
import { HOIST } from './bench-support/paths.js';
import { figure, MB, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { makeTempDir } from './bench-support/temp.js';

const BENCH = 'listing-rss';
const log = benchLog(BENCH);
const GOAL_PEAK_BYTES = 300 * MB;
const RUN_TIMEOUT_MS = 15 * 60_000;
const LIST_PATH = '/connectors/files/list';

interface RunResult {
  name: string;
  seconds: number;
  exitCode: number | null;
  peakRssBytes: number | null;
  listingGets: number;
  notModified: number;
  dbBytes: number;
  /** The WAL's largest size seen during the run (sampled every 200 ms). */
  walPeakBytes: number;
  mirrorRows: number | null;
  output: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' } } });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a whole number ≥ 1');
  const server = await startListingServer({ count, version: 'v1' });
  const unregister = onCleanup(() => server.close());
  const folder = await makeTempDir('listing-folder-');
  const stateDir = await makeTempDir('listing-state-');
  const token = 'listing-bench-token-0001';
  const runs: RunResult[] = [];
  try {
    const run = async (name: string): Promise<RunResult> => {
      const before = { gets: server.requests.get(LIST_PATH) ?? 0, notModified: server.notModified };
      const args = [...HOIST, 'sync', folder.path, '--once', '--quiet', '--provider', 'alloy'];
      args.push('--remote', server.url, '--state', stateDir.path);
      const child = spawnChild(process.execPath, args, {
        label: `hoist sync --once (${name})`,
        env: hoistEnv({ HOIST_TOKEN: token }),
        sampleMemoryMs: 50,
      });
      // The WAL's high-water mark (it is checkpointed away when the process closes the DB).
      let walPeakBytes = 0;
      const walSampler = setInterval(() => {
        void stateDbFile(stateDir.path).then(async (db) => {
          if (db !== null) walPeakBytes = Math.max(walPeakBytes, await sizeOf(`${db}-wal`));
        });
      }, 200);
      const exit = await child.wait(RUN_TIMEOUT_MS).finally(() => clearInterval(walSampler));
      const memory = child.memorySummary();
      const db = await stateDbFile(stateDir.path);
      const result: RunResult = {
        name,
        seconds: (exit.at - child.startedAt) / 1000,
        exitCode: exit.code,
        peakRssBytes: memory?.peakBytes ?? null,
        listingGets: (server.requests.get(LIST_PATH) ?? 0) - before.gets,
        notModified: server.notModified - before.notModified,
        dbBytes: db === null ? 0 : await sizeOf(db),
        walPeakBytes,
        mirrorRows: db === null ? null : mirrorRows(db),
        output: child.lines.map((line) => line.text),
      };
      log(
        `${name}: exit ${exit.code} in ${result.seconds.toFixed(1)} s, peak RSS ${((result.peakRssBytes ?? 0) / MB).toFixed(0)} MB, ` +
          `listing fetched ${result.listingGets}× (${result.notModified} of them 304), state DB ${(result.dbBytes / MB).toFixed(0)} MB ` +
          `(WAL up to ${(result.walPeakBytes / MB).toFixed(0)} MB during the run), ${result.mirrorRows} mirror rows`,
      );
      if (exit.code !== 0) log(`WARNING: hoist exited ${exit.code}:\n${child.tail()}`);
      return result;
    };

    runs.push(await run('first'));
    runs.push(await run('unchanged'));
    server.update({ version: 'v2', variant: { skipEvery: 100, sizeDelta: 1 } });
    runs.push(await run('changed'));

    const byName = (name: string): RunResult | undefined => runs.find((item) => item.name === name);
    const mb = (bytes: number | null | undefined): number | null =>
      bytes === null || bytes === undefined ? null : bytes / MB;
    const peakGoal = { op: '<', value: GOAL_PEAK_BYTES / MB } as const;
    const label = count.toLocaleString('en-US');
    const figures: Figure[] = [
      figure(
        BENCH,
        'first.peakRss',
        `peak RSS, first listing of ${label} entries (empty mirror)`,
        mb(byName('first')?.peakRssBytes),
        'MB',
        peakGoal,
      ),
      figure(
        BENCH,
        'changed.peakRss',
        `peak RSS, a changed listing diffed against ${label} rows`,
        mb(byName('changed')?.peakRssBytes),
        'MB',
        peakGoal,
      ),
      figure(
        BENCH,
        'unchanged.peakRss',
        'peak RSS, unchanged listing (304)',
        mb(byName('unchanged')?.peakRssBytes),
        'MB',
      ),
      figure(
        BENCH,
        'first.listingGets',
        'listing GETs in one --once run (first / unchanged / changed)',
        byName('first')?.listingGets ?? null,
        'requests',
        { op: '<=', value: 1 },
        runs.map((item) => `${item.name} ${item.listingGets}`).join(', '),
      ),
      figure(BENCH, 'first.seconds', 'first run, whole process', byName('first')?.seconds ?? null, 's'),
      figure(BENCH, 'changed.seconds', 'changed run, whole process', byName('changed')?.seconds ?? null, 's'),
      figure(BENCH, 'first.dbSize', 'state DB after the first run', mb(byName('first')?.dbBytes), 'MB'),
      figure(
        BENCH,
        'first.walPeak',
        '  its WAL at its largest during that run',
        mb(byName('first')?.walPeakBytes),
        'MB',
      ),
    ];
    console.log('');
    console.log(renderTable(figures));
    const file = await writeResult({
      bench: BENCH,
      figures,
      details: {
        count,
        runs: runs.map(({ output, ...rest }) => ({ ...rest, lastLines: output.slice(-5) })),
      },
    });
    log(`results written to ${file}`);
  } finally {
    unregister();
    await server.close();
    await runCleanups();
  }
}

/** The one pair's state DB under the data root (its place is pair-location.ts's business). */
async function stateDbFile(root: string): Promise<string | null> {
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'state.db') return join(entry.parentPath, entry.name);
  }
  return null;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function mirrorRows(file: string): number | null {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM remote_files').get() as { n: number }).n;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

runBench(BENCH, main);
