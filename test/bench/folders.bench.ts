/**
 * Several folders in one app (issue 17): run it with `npm run bench -- --only folders` or
 * `npm run build:node && node dist/test/bench/folders.bench.js`. Not a test: it prints a table, writes
 * bench-results/folders.json and exits 0 unless something broke.
 *
 * 10 folders of 10,000 small files each (64 B–4 KiB in 100 sub-folders, generated once and cached
 * under os.tmpdir()/hoist-bench/trees), listed in a fresh data root's app.json, each on the embedded
 * remote ("This computer") under its own remote folder, all tracked at once by one app core in its own process
 * (bench-support/folders-child.ts: startAppCore as `hoist ui --no-open` runs it, driven through its
 * bridge), so the RSS is the app's own:
 * 1. First start: the initial sync of every folder. Times from spawn until overview.get lists all
 *    folders, until remote.page of the first folder has rows, until every folder is open, until every
 *    folder is idle, and until the process is quiet (< 1% of a core for `--idle-seconds`).
 * 2. Second start over the synced data root: the same, tracking only.
 * Peak RSS (VmHWM, /proc) of each. Goal: < 1.5 × the peak RSS of one folder of 100,000 files, the
 * documented tracking-rss figure (docs/benchmarks.md: 194 MB, the top of 191–194 MB).
 *
 * Options: --folders N (default 10), --files N per folder (default 10000), --idle-seconds N (default 5).
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnChild } from './bench-support/child.js';
import { benchLog, runBench, runCleanups } from './bench-support/cleanup.js';
import type { FoldersMilestone } from './bench-support/folders-child.js';
import { readCpuSeconds, readMemory } from './bench-support/proc-stats.js';
import { figure, MB, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { makeTempDir } from './bench-support/temp.js';
import { nowMs, round, sleep } from './bench-support/timing.js';
import { ensureTree, type Tree, type TreeSpec } from './bench-support/tree.js';

const log = benchLog('folders');
const BENCH = 'folders';
/** docs/benchmarks.md, "peak RSS tracking 100,000 files in watch mode": 191–194 MB; the top of it. */
const ONE_FOLDER_100K_PEAK_MB = 194;
const GOAL_PEAK_MB = 1.5 * ONE_FOLDER_100K_PEAK_MB;
const IDLE_CPU_FRACTION = 0.01;
const MAX_WAIT_MS = 60 * 60_000;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'bench-support', 'folders-child.js');

interface StartRun {
  /** ms from spawn; null when not reached. */
  milestones: Partial<Record<FoldersMilestone, number>>;
  quietMs: number | null;
  cpuSecondsToQuiet: number | null;
  peakRssBytes: number | null;
  quietRssBytes: number | null;
  syncedFiles: number | null;
  /** status.get of every folder when all were idle. */
  statusAtIdle: unknown;
  problems: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      folders: { type: 'string', default: '10' },
      files: { type: 'string', default: '10000' },
      'idle-seconds': { type: 'string', default: '5' },
    },
  });
  const folderCount = Number(values.folders);
  const files = Number(values.files);
  const idleSeconds = Number(values['idle-seconds']);
  if (!(folderCount > 0 && files > 0 && idleSeconds > 0)) throw new Error('options must be positive numbers');

  const trees: Tree[] = [];
  for (let index = 0; index < folderCount; index++) {
    const spec: TreeSpec = {
      name: `folders-${files}-${index + 1}`,
      seed: 17_000 + index,
      smallFiles: files,
      smallBytes: { min: 64, max: 4096 },
      dirs: [10, 10],
      largeFiles: 0,
      largeBytes: { min: 0, max: 0 },
    };
    trees.push(await ensureTree(spec, log));
  }
  log(`${folderCount} folders of ${files} files in ${dirname(trees[0]?.root ?? '')}`);

  const dataRoot = await makeTempDir('folders-');
  try {
    await writeFile(
      join(dataRoot.path, 'app.json'),
      // Each its own remote folder, as the app asks: the trees share relative paths, and two folders at
      // the top of one remote would conflict on every common name (see docs/benchmarks.md).
      JSON.stringify(
        {
          folders: trees.map((tree, index) => ({
            folder: tree.root,
            provider: 'local',
            remoteFolder: `folder-${index + 1}`,
          })),
        },
        null,
        2,
      ),
    );
    const runs: Record<'first' | 'second', StartRun> = {
      first: await start(dataRoot.path, folderCount, idleSeconds, 'first start (initial sync)'),
      second: await start(dataRoot.path, folderCount, idleSeconds, 'second start (synced, tracking)'),
    };
    const seconds = (ms: number | null | undefined): number | null => (ms == null ? null : ms / 1000);
    const scale = `${folderCount} × ${files.toLocaleString('en')} files`;
    const figures: Figure[] = [];
    for (const [key, run] of Object.entries(runs)) {
      const what = key === 'first' ? 'first start (initial sync)' : 'second start (synced)';
      const peakMb = run.peakRssBytes === null ? null : run.peakRssBytes / MB;
      figures.push(
        figure(BENCH, `${key}.peakRss`, `${scale}, ${what}: peak RSS (VmHWM)`, peakMb, 'MB', {
          op: '<',
          value: GOAL_PEAK_MB,
        }),
        figure(
          BENCH,
          `${key}.peakRssRatio`,
          `  ratio to one folder of 100,000 (documented ${ONE_FOLDER_100K_PEAK_MB} MB)`,
          peakMb === null ? null : peakMb / ONE_FOLDER_100K_PEAK_MB,
          '×',
          { op: '<', value: 1.5 },
        ),
        figure(
          BENCH,
          `${key}.overviewSeconds`,
          '  spawn → overview.get lists every folder',
          seconds(run.milestones.overview),
          's',
        ),
        figure(
          BENCH,
          `${key}.rowsSeconds`,
          '  spawn → remote.page of the first folder has rows',
          seconds(run.milestones.rows),
          's',
        ),
        figure(BENCH, `${key}.openSeconds`, '  spawn → every folder open', seconds(run.milestones.open), 's'),
        figure(BENCH, `${key}.idleSeconds`, '  spawn → every folder idle', seconds(run.milestones.idle), 's'),
        figure(BENCH, `${key}.quietSeconds`, '  spawn → process quiet (< 1% CPU)', seconds(run.quietMs), 's'),
        figure(BENCH, `${key}.cpuSeconds`, '  CPU (utime+stime) spawn → quiet', run.cpuSecondsToQuiet, 's'),
      );
    }
    console.log('');
    console.log(renderTable(figures));
    const file = await writeResult({
      bench: BENCH,
      figures,
      details: {
        folders: trees.map((tree) => ({ root: tree.root, files: tree.files, bytes: tree.bytes })),
        remote: 'embedded (the reference server runs inside the app core process)',
        baseline: `docs/benchmarks.md, peak RSS tracking 100,000 files in watch mode: ${ONE_FOLDER_100K_PEAK_MB} MB`,
        runs,
      },
    });
    log(`results written to ${file}`);
  } finally {
    await dataRoot.remove();
    await runCleanups();
  }
}

async function start(dataRoot: string, count: number, idleSeconds: number, label: string): Promise<StartRun> {
  log(`${label} …`);
  const child = spawnChild(process.execPath, [CHILD, dataRoot, String(count)], {
    label: 'app core',
    sampleMemoryMs: 50,
    env: { ...process.env, HOIST_HOME: dataRoot },
  });
  const milestones: StartRun['milestones'] = {};
  const problems: string[] = [];
  let syncedFiles: number | null = null;
  let statusAtIdle: unknown = null;
  // The child's `ms` is since its own start; the spawn is a few ms earlier, so spawn-relative is
  // taken from our clock when the line arrives (same within the 100 ms poll).
  child.onLine((line) => {
    if (line.stream === 'stderr') {
      if (problems.length < 50) problems.push(line.text);
      return;
    }
    try {
      const event = JSON.parse(line.text) as {
        event: string;
        files?: number;
        openErrors?: string[];
        statusGet?: unknown;
      };
      if (event.event === 'error') {
        if (problems.length < 50) problems.push(...(event.openErrors ?? []));
      } else {
        milestones[event.event as FoldersMilestone] ??= line.at - child.startedAt;
        if (event.event === 'idle') {
          syncedFiles = event.files ?? null;
          statusAtIdle = event.statusGet ?? null;
        }
        log(`  ${event.event} at ${((line.at - child.startedAt) / 1000).toFixed(1)} s`);
      }
    } catch {
      // Not one of ours.
    }
  });
  await child.waitForLine(/"event":"idle"/, MAX_WAIT_MS);
  const quiet = await waitForQuiet(child.pid, child.startedAt, idleSeconds);
  const memory = await readMemory(child.pid);
  const summary = child.memorySummary();
  const exit = await child.stop('SIGTERM', 30_000);
  log(
    `  stopped (code ${exit.code}, signal ${exit.signal}); peak RSS ${((memory?.hwm ?? 0) / MB).toFixed(0)} MB`,
  );
  if (problems.length > 0) log(`  WARNING: the app reported: ${problems.slice(0, 5).join(' | ')}`);
  return {
    milestones,
    quietMs: quiet === null ? null : quiet.at - child.startedAt,
    cpuSecondsToQuiet: quiet?.cpuSeconds ?? null,
    peakRssBytes: memory?.hwm ?? summary?.peakBytes ?? null,
    quietRssBytes: memory?.rss ?? null,
    syncedFiles,
    statusAtIdle,
    problems: problems.map((text) => text.slice(0, 500)),
  };
}

/** When the process first used < 1% of a core over `idleSeconds` (as tracking-rss.bench waits). */
async function waitForQuiet(
  pid: number,
  since: number,
  idleSeconds: number,
): Promise<{ at: number; cpuSeconds: number } | null> {
  const history: Array<[number, number]> = [];
  while (nowMs() - since < MAX_WAIT_MS) {
    const cpu = await readCpuSeconds(pid);
    if (cpu === null) throw new Error('the app core exited while being watched for quiet');
    const at = nowMs();
    history.push([at, cpu]);
    const start = history.find(([time]) => time >= at - idleSeconds * 1000);
    if (
      start &&
      at - start[0] >= idleSeconds * 1000 * 0.95 &&
      cpu - start[1] < (IDLE_CPU_FRACTION * (at - start[0])) / 1000
    ) {
      return { at: start[0], cpuSeconds: round(start[1]) };
    }
    await sleep(250);
  }
  return null;
}

runBench(BENCH, main);
