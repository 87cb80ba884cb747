/**
 * How much memory Hoist needs to keep 100,000 files in sync. Run it with `npm run bench` (all benches)
 * or `npm run build:node && node dist/test/bench/tracking-rss.bench.js`. Not a test: it prints a table,
 * writes bench-results/tracking-rss.json and exits 0 unless something broke.
 *
 * The 100k tree of sync.bench (100,000 files of 64 B–4 KiB in 1,000 folders, cached under
 * os.tmpdir()/hoist-bench/trees), a fresh state dir, and the embedded remote (`hoist sync <tree>` with
 * no --remote: the reference server runs inside the hoist process, so its memory counts too — this is
 * what a user of the default "This computer" remote runs):
 * 1. `hoist sync <tree> --once --quiet`: the initial sync, its RSS sampled every 50 ms (once per build:
 *    the synced state is kept under os.tmpdir()/hoist-bench/synced/ and shared with sync.bench).
 * 2. `hoist sync <tree> --quiet` (watch mode): start-up (refresh, scan, watcher on 1,001 folders), then
 *    idle. RSS (VmRSS) and peak (VmHWM, from /proc/<pid>/status) are sampled every 50 ms from spawn
 *    until the process has printed "Watching" and used less than 1% of a core for `--idle-seconds`
 *    (default 5); then a new file is written to check it is really watching (and removed), and it is
 *    stopped.
 * 3. The watcher alone, each in a fresh process over the same tree: Hoist's DirectoryWatcher, then
 *    chokidar 5 configured as Hoist used it before (directories only). Why Hoist has its own watcher.
 * Goal: peak RSS of the tracking process < 300 MB (10^6 bytes).
 *
 * Options: --idle-seconds N (default 5), --fresh-state (run the initial sync even if this build's is kept).
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { benchLog, onCleanup, runBench, runCleanups } from './bench-support/cleanup.js';
import { startWatch } from './bench-support/hoist.js';
import { readCpuSeconds, readMemory } from './bench-support/proc-stats.js';
import { figure, MB, MiB, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { TREE_100K } from './bench-support/specs.js';
import { syncedState } from './bench-support/synced-state.js';
import { nowMs, round, sleep } from './bench-support/timing.js';
import { ensureTree } from './bench-support/tree.js';
import type { WatcherRssResult } from './bench-support/watcher-rss-child.js';

const log = benchLog('tracking-rss');

const BENCH = 'tracking-rss';
const GOAL_PEAK_BYTES = 300 * MB;
const IDLE_CPU_FRACTION = 0.01;
const MAX_WAIT_FOR_IDLE_MS = 180_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'idle-seconds': { type: 'string', default: '5' },
      'fresh-state': { type: 'boolean', default: false },
    },
  });
  const idleSeconds = Number(values['idle-seconds']);
  if (!(idleSeconds > 0)) throw new Error('--idle-seconds must be a positive number');
  const tree = await ensureTree(TREE_100K, log);
  log(`tree 100k: ${tree.files} files, ${(tree.bytes / MiB).toFixed(0)} MiB, in ${tree.root}`);
  const synced = await syncedState(tree, log, { fresh: values['fresh-state'] === true });
  try {
    const { stateDir, initial } = synced;
    log(
      `initial sync: ${initial.seconds.toFixed(1)} s, peak RSS ${((initial.peakRssBytes ?? 0) / MB).toFixed(0)} MB` +
        (initial.reused ? ` (measured ${initial.date}, same build)` : ''),
    );

    log('watch mode …');
    const { child, watchingAt } = await startWatch(
      { folder: tree.root, stateDir, quiet: false },
      MAX_WAIT_FOR_IDLE_MS,
    );
    const pid = child.pid;
    const idle = await waitForIdle(pid, child.startedAt, idleSeconds);
    if (idle === null) log(`WARNING: hoist did not go idle within ${MAX_WAIT_FOR_IDLE_MS / 1000} s`);
    const idleMemory = await readMemory(pid);

    // Still watching? A new file must be picked up (and is removed again: the tree is a shared cache).
    // What one change costs at 100,000 files. Its batch's full refresh (a list of every remote file)
    // waits until 30 s after the start-up one, so it falls outside this window (see sync-engine pump).
    const probe = join(tree.root, `probe-${process.pid}.txt`);
    const unregister = onCleanup(() => rm(probe, { force: true }));
    let probeMs: number | null = null;
    const probeStarted = nowMs();
    const cpuBeforeProbe = await readCpuSeconds(pid);
    try {
      await writeFile(probe, 'probe');
      const { line } = await child.waitForLine(/^uploaded\s+probe-/, 30_000);
      probeMs = line.at - probeStarted;
    } catch (error) {
      log(`WARNING: the probe file was not uploaded: ${String(error)}`);
    } finally {
      await rm(probe, { force: true });
      unregister();
    }
    const idleAfterProbe = await waitForIdle(pid, probeStarted, idleSeconds);
    const afterProbe = await readMemory(pid);
    const probeCpu =
      idleAfterProbe !== null && cpuBeforeProbe !== null ? idleAfterProbe.cpuSeconds - cpuBeforeProbe : null;
    const summary = child.memorySummary();
    const exit = await child.stop('SIGTERM', 30_000);
    const warnings = child.lines.filter((line) => /WARNING|FAILED/.test(line.text)).map((line) => line.text);
    log(
      `hoist stopped (code ${exit.code}, signal ${exit.signal}); probe file uploaded ${probeMs?.toFixed(0)} ms after its write`,
    );
    if (warnings.length > 0) log(`WARNING: hoist reported: ${warnings.join(' | ')}`);

    const watchers: WatcherRssResult[] = [];
    for (const kind of ['directory', 'chokidar'] as const) {
      log(`the ${kind} watcher alone over the tree …`);
      const result = await measureWatcherAlone(kind, tree.root);
      log(
        `${kind}: ready in ${(result.readyMs / 1000).toFixed(1)} s, peak RSS ${(result.peakRssBytes / MB).toFixed(0)} MB` +
          (result.heardNewFile ? '' : ' — WARNING: it did not hear a new file'),
      );
      watchers.push(result);
    }

    const peak = idleMemory?.hwm ?? summary?.peakBytes ?? null;
    const figures: Figure[] = [
      figure(
        BENCH,
        'tracking.peakRss',
        'peak RSS, watch mode tracking 100,000 files (VmHWM, spawn → idle)',
        peak === null ? null : peak / MB,
        'MB',
        { op: '<', value: GOAL_PEAK_BYTES / MB },
      ),
      figure(
        BENCH,
        'tracking.idleRss',
        'RSS once idle and watching (VmRSS)',
        idleMemory === null ? null : idleMemory.rss / MB,
        'MB',
      ),
      figure(
        BENCH,
        'tracking.watchingSeconds',
        'watch mode: spawn → "Watching" (refresh + scan + watcher)',
        (watchingAt - child.startedAt) / 1000,
        's',
      ),
      figure(
        BENCH,
        'tracking.idleSeconds',
        'watch mode: spawn → idle',
        idle === null ? null : (idle.at - child.startedAt) / 1000,
        's',
      ),
      figure(
        BENCH,
        'initial.peakRss',
        'peak RSS during the initial sync of 100,000 files (--once)',
        (initial.peakRssBytes ?? Number.NaN) / MB,
        'MB',
      ),
      figure(
        BENCH,
        'tracking.probeMs',
        'watch mode, 100,000 files tracked: new file → "uploaded" line',
        probeMs,
        'ms',
      ),
      figure(
        BENCH,
        'tracking.probeCpuSeconds',
        '  that one new file: CPU until idle again (upload; its refresh is deferred)',
        probeCpu,
        's',
      ),
      figure(
        BENCH,
        'tracking.peakRssAfterProbe',
        '  peak RSS after that change (VmHWM)',
        afterProbe === null ? null : afterProbe.hwm / MB,
        'MB',
      ),
      figure(
        BENCH,
        'initial.seconds',
        'initial sync of 100,000 files (--once, embedded remote)',
        initial.seconds,
        's',
      ),
      ...watchers.flatMap((result) => {
        const name =
          result.watcher === 'directory' ? "Hoist's DirectoryWatcher" : 'chokidar 5 (directories only)';
        return [
          figure(
            BENCH,
            `watcher.${result.watcher}.peakRss`,
            `the watcher alone over 100,000 files: ${name}, peak RSS`,
            result.peakRssBytes / MB,
            'MB',
          ),
          figure(
            BENCH,
            `watcher.${result.watcher}.readySeconds`,
            `  ${name}: start → ready`,
            result.readyMs / 1000,
            's',
          ),
        ];
      }),
    ];
    console.log('');
    console.log(renderTable(figures));
    const file = await writeResult({
      bench: BENCH,
      figures,
      details: {
        tree: { root: tree.root, files: tree.files, bytes: tree.bytes, spec: tree.spec },
        remote: 'embedded (the reference server runs inside the hoist process)',
        initial,
        watchersAlone: watchers,
        watch: {
          peakRssBytes: peak,
          idleRssBytes: idleMemory?.rss ?? null,
          watchingSeconds: round((watchingAt - child.startedAt) / 1000),
          idleSeconds: idle === null ? null : round((idle.at - child.startedAt) / 1000),
          cpuSecondsToIdle: idle?.cpuSeconds ?? null,
          probeUploadedMs: probeMs,
          probeCpuSeconds: probeCpu,
          probeIdleSeconds: idleAfterProbe === null ? null : round((idleAfterProbe.at - probeStarted) / 1000),
          peakRssAfterProbeBytes: afterProbe?.hwm ?? null,
          peakRssWholeRunBytes: summary?.peakBytes ?? null,
          exit,
          warnings,
          rssTimeline: summary?.timeline ?? [],
        },
      },
    });
    log(`results written to ${file}`);
  } finally {
    await synced.temp.remove();
    await runCleanups();
  }
}

const execFileAsync = promisify(execFile);

async function measureWatcherAlone(
  kind: WatcherRssResult['watcher'],
  root: string,
): Promise<WatcherRssResult> {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'bench-support', 'watcher-rss-child.js');
  const { stdout } = await execFileAsync(process.execPath, [child, kind, root], {
    timeout: MAX_WAIT_FOR_IDLE_MS,
    maxBuffer: 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as WatcherRssResult;
}

/**
 * Waits until the process has used less than IDLE_CPU_FRACTION of a core over `idleSeconds`; returns
 * when that quiet window began and the CPU seconds used by then, or null after MAX_WAIT_FOR_IDLE_MS.
 */
async function waitForIdle(
  pid: number,
  since: number,
  idleSeconds: number,
): Promise<{ at: number; cpuSeconds: number } | null> {
  const history: Array<[number, number]> = [];
  while (nowMs() - since < MAX_WAIT_FOR_IDLE_MS) {
    const cpu = await readCpuSeconds(pid);
    if (cpu === null) throw new Error('hoist exited while being watched for idleness');
    const at = nowMs();
    history.push([at, cpu]);
    const start = history.find(([time]) => time >= at - idleSeconds * 1000);
    if (
      start &&
      at - start[0] >= idleSeconds * 1000 * 0.95 &&
      cpu - start[1] < (IDLE_CPU_FRACTION * (at - start[0])) / 1000
    ) {
      return { at: start[0], cpuSeconds: start[1] };
    }
    await sleep(250);
  }
  return null;
}

runBench('tracking-rss', main);
