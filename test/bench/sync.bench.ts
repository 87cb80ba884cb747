/**
 * How fast `hoist sync --once` is, against rclone on the same tree and the same S3 store, and how long
 * a re-run over 100,000 unchanged files takes. Run it with `npm run bench` (all benches) or
 * `npm run build:node && node dist/test/bench/sync.bench.js`. Not a test: it prints a table, writes
 * bench-results/sync.json and exits 0 unless something broke (a missed goal is reported, not failed).
 *
 * 10k: a generated tree (10,000 files: 9,988 of 1–64 KiB and 12 of 20–100 MiB, ~1 GiB, deterministic
 * from a seed, cached under os.tmpdir()/hoist-bench/trees). For each tool configuration, a fresh s3rver
 * (own process, own temp dir, empty bucket) and:
 * - Hoist: `hoist remote --backend s3` on that s3rver (fresh data dir), then
 *   `hoist sync <tree> --once --provider local --remote <url> --concurrency N --quiet` (HOIST_TOKEN):
 *   the initial sync, then the same command again with nothing changed.
 * - rclone: `rclone sync <tree> bench:bench/rclone --transfers N --checkers 2N
 *   --s3-upload-cutoff 5G` (single PUTs, like Hoist), twice likewise.
 * Each run is timed from spawn to exit; the page cache is warmed before each initial run. The bucket is
 * listed afterwards: every file must be there with its size. Goal: Hoist's initial sync faster than rclone.
 *
 * 100k: a tree of 100,000 files of 64 B–4 KiB. `hoist sync --once` with the embedded remote syncs it once
 * (once per build: the synced state is kept under os.tmpdir()/hoist-bench/synced/ and shared with
 * tracking-rss.bench), then the same command is timed with nothing changed (goal < 3 s, whole process), and its parts are
 * timed in this process with the engine's own modules: walk, scan against the state DB, list, refresh.
 *
 * empty: the fixed cost of a run, `hoist sync <empty folder> --once` with the embedded remote, CPU
 * (all threads) from start to exit, a repeat run (goal < 0.4 s; bench-support/empty-folder.ts).
 *
 * 3k: issue 18's comparison with rclone, 3,000 files of 1–64 KiB, exact client CPU per file and wall
 * time, runs alternating (bench-support/small-files.ts; goals: CPU per file ≤ rclone's, wall ≤ 0.9×).
 *
 * Options: --only-small (the 3k comparison alone), --small-rounds N (default 3), --strace (one extra
 * run of each tool under strace -f -c for syscalls per file), --skip-3k,
 * --runs N (default 1; runs of every 10k configuration, interleaved), --configs LIST (default
 * rclone-t4,hoist-c4,hoist-c8,rclone-t8), --nochange-runs N (100k; default 3), --skip-10k, --skip-100k,
 * --skip-100k-client (skips the 100k initial sync again to a `hoist remote` in its own process, for
 * the client's own peak RSS), --skip-empty, --cpu-prof (one extra profiled run of each Hoist case; summaries in the details), --fresh-state (100k:
 * run the initial sync even if this build's is kept).
 */
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pairStateFile } from '../../electron/host/pair-location.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import { systemClock } from '../../electron/base/clock.js';
import { scanFolder } from '../../electron/engine/folder-scan.js';
import { effectiveRemoteName } from '../../electron/engine/remote/remote-names.js';
import { refreshMirror } from '../../electron/engine/mirror-refresh.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { walkFolder } from '../../electron/engine/scan/folder-walker.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { openPairState } from '../../electron/engine/state/pair-state.js';
import { benchLog, runBench, runCleanups } from './bench-support/cleanup.js';
import { spawnChild } from './bench-support/child.js';
import { renderProfileSet, summarizeProfileDir, type ProfileSet } from './bench-support/cpu-profile.js';
import { runSyncOnce, startRemote, type OnceRun, type RemoteServer } from './bench-support/hoist.js';
import { CLI, RESULTS_DIR } from './bench-support/paths.js';
import { readCpuSeconds } from './bench-support/proc-stats.js';
import { rcloneVersion, runRclone, writeRcloneConfig } from './bench-support/rclone.js';
import { figure, MB, MiB, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { startS3rver } from './bench-support/s3.js';
import { syncedState } from './bench-support/synced-state.js';
import { clientAloneInitialSync } from './bench-support/client-alone.js';
import { emptyFolderCpu } from './bench-support/empty-folder.js';
import { benchSmall } from './bench-support/small-files.js';
import { makeTempDir } from './bench-support/temp.js';
import { median, nowMs, round } from './bench-support/timing.js';
import { TREE_100K, TREE_10K } from './bench-support/specs.js';
import { ensureTree, warmTree, type Tree } from './bench-support/tree.js';

const log = benchLog('sync');

const BENCH = 'sync';
const GOAL_NOCHANGE_100K_SECONDS = 3;
/** Issue 18: the initial sync of 100,000 small files, peak RSS of the client. */
const GOAL_INITIAL_100K_RSS_MB = 300;
const GOAL_EMPTY_ONCE_CPU_SECONDS = 0.4;
const EMPTY_RUNS = 5;
const RUN_TIMEOUT_MS = 30 * 60_000;

interface Config {
  name: string;
  tool: 'hoist' | 'rclone';
  /** Hoist --concurrency, or rclone --transfers (with --checkers twice that, rclone's default ratio). */
  concurrency: number;
}

interface PhaseResult {
  seconds: number;
  mibPerSecond: number;
  /** 1-minute load average just before (other processes on the machine skew the figures). */
  loadBefore: number;
  /** CPU seconds over the phase: the tool, s3rver, and the reference server (Hoist only). */
  cpu: { tool: number | null; s3rver: number | null; server: number | null };
  peakRssBytes: number | null;
  requests?: Record<string, { count: number; totalMs: number }>;
  summary?: OnceRun['summary'];
  /** Problems Hoist reported (e.g. a failed refresh); the run still counts, but they are shown. */
  problems?: string[];
}

interface ToolRun {
  config: string;
  run: number;
  initial: PhaseResult;
  noChange: PhaseResult;
  stored: { objects: number; bytes: number };
  profile?: ProfileSet | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      configs: { type: 'string', default: 'rclone-t4,hoist-c4,hoist-c8,rclone-t8' },
      'nochange-runs': { type: 'string', default: '3' },
      'skip-10k': { type: 'boolean', default: false },
      'skip-100k': { type: 'boolean', default: false },
      'skip-100k-client': { type: 'boolean', default: false },
      'skip-empty': { type: 'boolean', default: false },
      'skip-3k': { type: 'boolean', default: false },
      'only-small': { type: 'boolean', default: false },
      'small-rounds': { type: 'string', default: '3' },
      strace: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'fresh-state': { type: 'boolean', default: false },
    },
  });
  const runs = positiveInteger(values.runs, '--runs');
  const configs = (values.configs ?? '').split(',').map(parseConfig);
  const noChangeRuns = positiveInteger(values['nochange-runs'], '--nochange-runs');
  const smallRounds = positiveInteger(values['small-rounds'], '--small-rounds');
  const onlySmall = values['only-small'] === true;
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  try {
    if (!values['skip-empty'] && !onlySmall) {
      const empty = await emptyFolderCpu(EMPTY_RUNS);
      log(`empty folder --once CPU: ${empty.runs.join(' ')} s (first run ${empty.firstRunSeconds} s)`);
      figures.push(
        figure(
          BENCH,
          'empty.once.cpuSeconds',
          `CPU of \`hoist sync <empty folder> --once\`, embedded remote, start to exit (median of ${EMPTY_RUNS})`,
          empty.medianSeconds,
          's',
          { op: '<', value: GOAL_EMPTY_ONCE_CPU_SECONDS },
        ),
      );
      details.emptyFolder = empty;
    }
    if (!values['skip-3k']) {
      const result = await benchSmall({
        bench: BENCH,
        configs,
        rounds: smallRounds,
        strace: values.strace === true,
        log,
        loadAverage: () => loadavg()[0] ?? 0,
      });
      figures.push(...result.figures);
      details.tree3k = result.details;
    }
    if (!values['skip-10k'] && !onlySmall) {
      const result = await bench10k(configs, runs, values['cpu-prof'] === true);
      figures.push(...result.figures);
      details.tree10k = result.details;
    }
    if (!values['skip-100k'] && !onlySmall) {
      const result = await bench100k(
        noChangeRuns,
        values['cpu-prof'] === true,
        values['fresh-state'] === true,
        values['skip-100k-client'] !== true,
      );
      figures.push(...result.figures);
      details.tree100k = result.details;
    }
  } finally {
    await runCleanups();
  }
  console.log('');
  console.log(renderTable(figures));
  const file = await writeResult({ bench: BENCH, figures, details });
  log(`results written to ${file}`);
}

// ---- 10k files, ~1 GiB, Hoist vs rclone on s3rver ----

async function bench10k(
  configs: Config[],
  runs: number,
  cpuProf: boolean,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const tree = await ensureTree(TREE_10K, log);
  log(`tree 10k: ${tree.files} files, ${(tree.bytes / MiB).toFixed(0)} MiB, in ${tree.root}`);
  const rclone = await rcloneVersion();
  const results: ToolRun[] = [];
  for (let run = 1; run <= runs; run++) {
    // Alternate the order so that drift (page cache, thermal, other load) does not favour one tool.
    const order = run % 2 === 1 ? configs : [...configs].reverse();
    for (const config of order) {
      const result =
        config.tool === 'hoist'
          ? await hoistRun(tree, config, run, false)
          : await rcloneRun(tree, config, run);
      results.push(result);
      log(
        `${config.name} run ${run}: initial ${result.initial.seconds.toFixed(2)} s ` +
          `(${result.initial.mibPerSecond.toFixed(1)} MiB/s), no change ${result.noChange.seconds.toFixed(2)} s; ` +
          `CPU s tool/s3rver/server initial ${cpuText(result.initial.cpu)}`,
      );
    }
  }
  const profiles: Record<string, ProfileSet | null> = {};
  if (cpuProf) {
    for (const config of configs.filter((item) => item.tool === 'hoist')) {
      const result = await hoistRun(tree, config, 0, true);
      profiles[config.name] = result.profile ?? null;
      if (result.profile) console.log(renderProfileSet(result.profile));
    }
  }

  const figures: Figure[] = [];
  const summary: Record<string, { initial: number; noChange: number }> = {};
  for (const config of configs) {
    const mine = results.filter((result) => result.config === config.name);
    summary[config.name] = {
      initial: median(mine.map((result) => result.initial.seconds)),
      noChange: median(mine.map((result) => result.noChange.seconds)),
    };
  }
  const label = (config: Config): string =>
    config.tool === 'hoist'
      ? `Hoist --concurrency ${config.concurrency}`
      : `rclone --transfers ${config.concurrency}`;
  const size = `${tree.files.toLocaleString('en-US')} files, ${(tree.bytes / MiB).toFixed(0)} MiB`;
  for (const config of configs) {
    const seconds = summary[config.name]?.initial ?? null;
    figures.push(
      figure(
        BENCH,
        `10k.initial.${config.name}.seconds`,
        `initial sync (${size}): ${label(config)}`,
        seconds,
        's',
      ),
      figure(
        BENCH,
        `10k.initial.${config.name}.mibPerSecond`,
        `initial sync: ${label(config)} throughput`,
        seconds === null ? null : tree.bytes / MiB / seconds,
        'MiB/s',
      ),
    );
  }
  // The goal: Hoist faster than rclone at the same concurrency; and Hoist's best against rclone's defaults.
  const pairs: Array<[Config, Config]> = [];
  const rcloneDefault = configs.find((config) => config.tool === 'rclone' && config.concurrency === 4);
  for (const hoist of configs.filter((config) => config.tool === 'hoist')) {
    const same = configs.find(
      (config) => config.tool === 'rclone' && config.concurrency === hoist.concurrency,
    );
    if (same) pairs.push([hoist, same]);
    if (rcloneDefault && rcloneDefault !== same) pairs.push([hoist, rcloneDefault]);
  }
  for (const [hoist, other] of pairs) {
    figures.push(
      figure(
        BENCH,
        `10k.initial.ratio.${hoist.name}-vs-${other.name}`,
        `initial sync time, ${label(hoist)} / ${label(other)}`,
        ratioOf(summary[hoist.name]?.initial, summary[other.name]?.initial),
        '×',
        { op: '<', value: 1 },
      ),
    );
  }
  for (const config of configs) {
    const mine = results.filter((result) => result.config === config.name);
    const cpu = (pick: (cpu: PhaseResult['cpu']) => number | null): number =>
      median(mine.map((result) => pick(result.initial.cpu) ?? Number.NaN));
    const [tool, s3rver, server] = [cpu((c) => c.tool), cpu((c) => c.s3rver), cpu((c) => c.server)];
    figures.push(
      figure(
        BENCH,
        `10k.initial.${config.name}.cpuSeconds`,
        `initial sync: CPU time of ${label(config)} + s3rver${config.tool === 'hoist' ? ' + hoist remote' : ''}`,
        tool + s3rver + (config.tool === 'hoist' ? server : 0),
        's',
        null,
        `${config.name}: tool ${tool.toFixed(1)} s, s3rver ${s3rver.toFixed(1)} s` +
          (config.tool === 'hoist' ? `, hoist remote ${server.toFixed(1)} s` : '') +
          ' (2 cores: the wall time cannot be below half the total)',
      ),
    );
  }
  for (const config of configs) {
    figures.push(
      figure(
        BENCH,
        `10k.nochange.${config.name}.seconds`,
        `no-change re-run (10k): ${label(config)}`,
        summary[config.name]?.noChange ?? null,
        's',
      ),
    );
  }
  const hoistC4 = configs.find((config) => config.tool === 'hoist');
  const rcloneT4 = configs.find((config) => config.tool === 'rclone');
  if (hoistC4 && rcloneT4) {
    figures.push(
      figure(
        BENCH,
        `10k.nochange.ratio.${hoistC4.name}-vs-${rcloneT4.name}`,
        `no-change re-run time, ${label(hoistC4)} / ${label(rcloneT4)}`,
        ratioOf(summary[hoistC4.name]?.noChange, summary[rcloneT4.name]?.noChange),
        '×',
      ),
    );
  }
  return {
    figures,
    details: {
      tree: describeTree(tree),
      rclone,
      rcloneFlags: RCLONE_FLAGS_TEXT,
      runs: results,
      medians: summary,
      profiles,
    },
  };
}

async function hoistRun(tree: Tree, config: Config, run: number, cpuProf: boolean): Promise<ToolRun> {
  const s3 = await startS3rver('bench');
  const temp = await makeTempDir(`sync-${config.name}-`);
  let server: RemoteServer | null = null;
  try {
    server = await startRemote({
      dataDir: join(temp.path, 'remote'),
      backend: { kind: 's3', endpoint: s3.endpoint, bucket: s3.bucket },
    });
    const profileDir = join(RESULTS_DIR, 'profiles', `sync-10k-${config.name}`);
    if (cpuProf) {
      await rm(profileDir, { recursive: true, force: true });
      await mkdir(profileDir, { recursive: true });
    }
    const options = {
      folder: tree.root,
      stateDir: join(temp.path, 'state'),
      remote: server,
      concurrency: config.concurrency,
      ...(cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    };
    await warmTree(tree);
    const initial = await phase(() => runSyncOnce(options, RUN_TIMEOUT_MS), tree.bytes, s3.child.pid, server);
    for (const problem of initial.problems ?? []) log(`WARNING ${config.name}: hoist reported ${problem}`);
    const checked = initial.summary;
    if (checked?.uploaded !== tree.files || checked.notSynced !== 0) {
      throw new Error(
        `Hoist uploaded ${checked?.uploaded} of ${tree.files} files (${checked?.notSynced} not synced)`,
      );
    }
    const stored = await s3.usage('alloy/');
    checkStored(stored, tree, config.name);
    const profile = cpuProf ? await summarizeProfileDir(profileDir) : undefined;
    const noChange = await phase(
      () => runSyncOnce({ ...options, nodeArgs: [] }, RUN_TIMEOUT_MS),
      0,
      s3.child.pid,
      server,
    );
    if (noChange.summary?.uploaded !== 0)
      throw new Error(`the no-change run uploaded ${noChange.summary?.uploaded} files`);
    return { config: config.name, run, initial, noChange, stored, ...(cpuProf ? { profile } : {}) };
  } finally {
    await server?.stop();
    await s3.stop();
    await temp.remove();
  }
}

const RCLONE_FLAGS_TEXT =
  '--transfers N --checkers 2N --s3-upload-cutoff 5G (single PUTs) --s3-no-head (no HEAD after a PUT, ' +
  "like Hoist; s3rver's HEAD right after a PUT can see an unflushed file) --stats 0; " +
  'rclone defaults otherwise (its own defaults: --transfers 4 --checkers 8, size+modtime comparison, ' +
  'modtime read by a HEAD per object)';

async function rcloneRun(tree: Tree, config: Config, run: number): Promise<ToolRun> {
  const s3 = await startS3rver('bench');
  const temp = await makeTempDir(`sync-${config.name}-`);
  try {
    const conf = await writeRcloneConfig(temp.path, s3.endpoint);
    const args = [
      'sync',
      tree.root,
      `bench:${s3.bucket}/rclone`,
      '--config',
      conf,
      '--transfers',
      String(config.concurrency),
      '--checkers',
      String(config.concurrency * 2),
      '--s3-upload-cutoff',
      '5G',
      // No HEAD after each PUT: s3rver answers a PUT before its file is flushed, so a HEAD right
      // after it sometimes sees 0 bytes and rclone calls the upload corrupted. Hoist does no HEAD
      // either: both rely on the PUT's Content-MD5 check.
      '--s3-no-head',
      '--stats',
      '0',
      '--log-level',
      'NOTICE',
    ];
    await warmTree(tree);
    const initial = await phase(async () => runRclone(args, RUN_TIMEOUT_MS), tree.bytes, s3.child.pid, null);
    const stored = await s3.usage('rclone/');
    checkStored(stored, tree, config.name);
    const noChange = await phase(async () => runRclone(args, RUN_TIMEOUT_MS), 0, s3.child.pid, null);
    return { config: config.name, run, initial, noChange, stored };
  } finally {
    await s3.stop();
    await temp.remove();
  }
}

async function phase(
  work: () => Promise<{
    seconds: number;
    memory: { peakBytes: number; cpuSeconds: number | null } | null;
    summary?: OnceRun['summary'];
    problems?: string[];
  }>,
  bytes: number,
  s3rverPid: number,
  server: RemoteServer | null,
): Promise<PhaseResult> {
  const loadBefore = loadavg()[0] ?? 0;
  if (loadBefore > 1.5)
    log(`note: load average ${loadBefore.toFixed(2)} before this run: something else is busy`);
  const s3Before = await readCpuSeconds(s3rverPid);
  const serverBefore = server ? await readCpuSeconds(server.child.pid) : null;
  const requestsBefore = server?.routeCounts() ?? null;
  const result = await work();
  const s3After = await readCpuSeconds(s3rverPid);
  const serverAfter = server ? await readCpuSeconds(server.child.pid) : null;
  // Let the server's last request lines arrive before counting.
  if (server) await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    seconds: round(result.seconds),
    mibPerSecond: round(bytes / MiB / result.seconds, 1),
    loadBefore: round(loadBefore, 2),
    cpu: {
      tool: result.memory?.cpuSeconds ?? null,
      s3rver: s3Before !== null && s3After !== null ? round(s3After - s3Before, 2) : null,
      server: serverBefore !== null && serverAfter !== null ? round(serverAfter - serverBefore, 2) : null,
    },
    peakRssBytes: result.memory?.peakBytes ?? null,
    ...(server && requestsBefore ? { requests: diffCounts(server.routeCounts(), requestsBefore) } : {}),
    ...(result.summary !== undefined ? { summary: result.summary } : {}),
    ...(result.problems !== undefined && result.problems.length > 0 ? { problems: result.problems } : {}),
  };
}

// ---- 100k small files: the no-change re-run ----

async function bench100k(
  noChangeRuns: number,
  cpuProf: boolean,
  freshState: boolean,
  clientAlone: boolean,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const tree = await ensureTree(TREE_100K, log);
  log(`tree 100k: ${tree.files} files, ${(tree.bytes / MiB).toFixed(0)} MiB, in ${tree.root}`);
  const synced = await syncedState(tree, log, { fresh: freshState });
  try {
    const { stateDir, initial } = synced;
    const options = { folder: tree.root, stateDir };
    log(
      `100k initial: ${initial.seconds.toFixed(1)} s, peak RSS ${((initial.peakRssBytes ?? 0) / MB).toFixed(0)} MB` +
        (initial.reused ? ` (measured ${initial.date}, same build)` : ''),
    );
    const noChange: number[] = [];
    const noChangeRss: number[] = [];
    for (let run = 1; run <= noChangeRuns; run++) {
      const result = await runSyncOnce(options, RUN_TIMEOUT_MS);
      if (result.summary?.uploaded !== 0)
        throw new Error(`no-change run uploaded ${result.summary?.uploaded} files`);
      noChange.push(round(result.seconds));
      noChangeRss.push(result.memory?.peakBytes ?? 0);
      log(`100k no-change run ${run}: ${result.seconds.toFixed(2)} s`);
    }
    const startup = await cliStartup();
    const parts = await noChangeParts(tree, stateDir);
    log(`100k parts (in-process): ${JSON.stringify(parts)}`);
    let profile: ProfileSet | null = null;
    if (cpuProf) {
      const profileDir = join(RESULTS_DIR, 'profiles', 'sync-100k-nochange');
      await rm(profileDir, { recursive: true, force: true });
      await mkdir(profileDir, { recursive: true });
      await runSyncOnce(
        { ...options, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
        RUN_TIMEOUT_MS,
      );
      profile = await summarizeProfileDir(profileDir);
      if (profile) console.log(renderProfileSet(profile));
    }
    const alone = clientAlone ? await clientAloneInitialSync(tree, RUN_TIMEOUT_MS) : null;
    if (alone !== null) log(`100k initial, the client alone: ${JSON.stringify(alone)}`);
    const wall = median(noChange);
    const figures = [
      figure(
        BENCH,
        '100k.initial.seconds',
        'initial sync of 100,000 small files (embedded remote)',
        initial.seconds,
        's',
      ),
      figure(
        BENCH,
        '100k.initial.peakRss',
        'peak RSS during that initial sync (VmHWM)',
        (initial.peakRssBytes ?? Number.NaN) / MB,
        'MB',
      ),
      ...(alone === null
        ? []
        : [
            figure(
              BENCH,
              '100k.client.peakRss',
              'the same to a hoist remote in its own process: the client’s peak RSS',
              (alone.peakRssBytes ?? Number.NaN) / MB,
              'MB',
              { op: '<', value: GOAL_INITIAL_100K_RSS_MB },
              `${round(alone.seconds, 1)} s; client CPU ${alone.cpuSeconds ?? '-'} s, hoist remote ${alone.serverCpuSeconds ?? '-'} s`,
            ),
          ]),
      figure(
        BENCH,
        '100k.nochange.seconds',
        `no-change re-run of 100,000 files, whole process (median of ${noChangeRuns})`,
        wall,
        's',
        { op: '<', value: GOAL_NOCHANGE_100K_SECONDS },
      ),
      figure(
        BENCH,
        '100k.nochange.scan.seconds',
        '  of which: the scan (walk + compare with state DB, in-process)',
        parts.scanSeconds,
        's',
      ),
      figure(
        BENCH,
        '100k.nochange.walk.seconds',
        '  of which: the folder walk alone (in-process)',
        parts.walkSeconds,
        's',
      ),
      figure(
        BENCH,
        '100k.nochange.refresh.seconds',
        '  of which: the remote refresh (conditional: the remote says unchanged; in-process)',
        parts.refreshSeconds,
        's',
      ),
      figure(
        BENCH,
        '100k.fullrefresh.seconds',
        '  for comparison: a full refresh (list 100,000 + compare with the mirror)',
        parts.fullRefreshSeconds,
        's',
      ),
      figure(
        BENCH,
        '100k.nochange.startup.seconds',
        '  of which: node + CLI start-up (`hoist --help`)',
        startup,
        's',
      ),
    ];
    return {
      figures,
      details: {
        tree: describeTree(tree),
        initial,
        noChangeSeconds: noChange,
        noChangePeakRssBytes: noChangeRss,
        cliStartupSeconds: startup,
        parts,
        profile,
      },
    };
  } finally {
    await synced.temp.remove();
  }
}

/** Median wall time of `node dist/electron/cli/main.js --help`: what any command pays to start. */
async function cliStartup(): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const child = spawnChild(process.execPath, [CLI, '--help'], { label: 'hoist --help' });
    const exit = await child.wait(30_000);
    times.push((exit.at - child.startedAt) / 1000);
  }
  return round(median(times));
}

/**
 * The no-change run's parts, timed with the engine's own modules on the state the CLI left: the walk,
 * the scan (walk + every row of the state DB + comparison; nothing changed, so nothing is written),
 * starting the embedded remote, the refresh as a no-change run makes it (conditional: answered
 * "unchanged"), and a full one (list of 100,000 + comparison with the mirror) for comparison.
 */
async function noChangeParts(
  tree: Tree,
  stateDir: string,
): Promise<{
  walkSeconds: number;
  scanSeconds: number;
  serverStartSeconds: number;
  listSeconds: number;
  refreshSeconds: number;
  fullRefreshSeconds: number;
}> {
  const rules = await IgnoreRules.load(tree.root, { extraAbsolutePaths: [stateDir] });
  let started = nowMs();
  const walked = await walkFolder(tree.root, rules);
  const walkSeconds = (nowMs() - started) / 1000;
  if (walked.length !== tree.files) throw new Error(`the walk found ${walked.length} of ${tree.files} files`);
  const state = openPairState(await pairStateFile(stateDir, tree.root, 'local', remoteIdentityOf('local')));
  try {
    started = nowMs();
    const scan = await scanFolder({
      root: tree.root,
      rules,
      files: state.files,
      now: Date.now(),
      needsSha256: false,
      remoteName: effectiveRemoteName,
    });
    const scanSeconds = (nowMs() - started) / 1000;
    if (scan.changed !== 0 || scan.deleted.length !== 0) {
      throw new Error(
        `the in-process scan saw changes (${scan.changed} changed, ${scan.deleted.length} deleted)`,
      );
    }
    const { startReferenceServer } = await import('../../electron/server/reference-server.js');
    started = nowMs();
    const token = `bench-${Date.now()}-token`;
    const server = await startReferenceServer({
      dataDir: join(stateDir, 'remote'),
      users: [{ name: 'local', token }],
      port: 0,
    });
    const serverStartSeconds = (nowMs() - started) / 1000;
    const provider = await createProvider({ kind: 'local', baseUrl: server.url, token });
    try {
      started = nowMs();
      const entries = await provider.list();
      const listSeconds = (nowMs() - started) / 1000;
      if (entries.length !== tree.files)
        throw new Error(`the list has ${entries.length} of ${tree.files} files`);
      // What a no-change run does: a conditional listing, which the remote answers "unchanged".
      started = nowMs();
      const conditional = await refreshMirror(state, provider, systemClock, {});
      const refreshSeconds = (nowMs() - started) / 1000;
      if (!conditional.unchanged) throw new Error('the refresh of an unchanged remote listed everything');
      // What it would cost without the listing version (another remote, or the first run): every
      // entry listed and compared with the mirror. Dropping the version is what any mirror edit does.
      state.mirror.remove('bench: no such key');
      started = nowMs();
      const full = await refreshMirror(state, provider, systemClock, {});
      const fullRefreshSeconds = (nowMs() - started) / 1000;
      if (full.unchanged || full.remoteFiles !== tree.files) throw new Error('the full refresh did not list');
      return {
        walkSeconds: round(walkSeconds),
        scanSeconds: round(scanSeconds),
        serverStartSeconds: round(serverStartSeconds),
        listSeconds: round(listSeconds),
        refreshSeconds: round(refreshSeconds),
        fullRefreshSeconds: round(fullRefreshSeconds),
      };
    } finally {
      await provider.close();
      await server.close();
    }
  } finally {
    state.close();
  }
}

// ---- helpers ----

function parseConfig(text: string): Config {
  const match = /^(hoist|rclone)-(?:c|t)(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`--configs: "${text}" is not like hoist-c4 or rclone-t4`);
  return { name: text.trim(), tool: match[1] as Config['tool'], concurrency: Number(match[2]) };
}

function checkStored(stored: { objects: number; bytes: number }, tree: Tree, who: string): void {
  if (stored.objects !== tree.files || stored.bytes !== tree.bytes) {
    throw new Error(
      `${who}: the bucket holds ${stored.objects} objects / ${stored.bytes} bytes, expected ${tree.files} / ${tree.bytes}`,
    );
  }
}

function diffCounts(
  after: Record<string, { count: number; totalMs: number }>,
  before: Record<string, { count: number; totalMs: number }>,
): Record<string, { count: number; totalMs: number }> {
  const diff: Record<string, { count: number; totalMs: number }> = {};
  for (const [route, value] of Object.entries(after)) {
    const count = value.count - (before[route]?.count ?? 0);
    if (count > 0) diff[route] = { count, totalMs: value.totalMs - (before[route]?.totalMs ?? 0) };
  }
  return diff;
}

function ratioOf(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : a / b;
}

function cpuText(cpu: PhaseResult['cpu']): string {
  return [cpu.tool, cpu.s3rver, cpu.server]
    .map((value) => (value === null ? '-' : value.toFixed(1)))
    .join('/');
}

function describeTree(tree: Tree): Record<string, unknown> {
  return {
    root: tree.root,
    files: tree.files,
    bytes: tree.bytes,
    largestBytes: tree.largestBytes,
    spec: tree.spec,
    generatedSeconds: tree.generatedSeconds,
  };
}

function positiveInteger(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a positive integer`);
  return number;
}

runBench('sync', main);
