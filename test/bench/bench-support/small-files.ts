/**
 * Issue 18's comparison: the initial sync of 3,000 small files (1–64 KiB) by `hoist sync --once`
 * and by rclone, side by side on the same s3rver, runs alternating. Hoist syncs to `hoist remote
 * --backend s3` in front of a fresh s3rver; rclone writes to a fresh s3rver directly. Each tool's
 * CPU is its own process's utime + stime from wait4() (GNU time: every thread, start-up and exit
 * included), the servers' from /proc before and after. With `strace`, one extra run of each tool at
 * the first concurrency under `strace -f -c` counts its syscalls (slower: not timed).
 */
import { join } from 'node:path';
import { runSyncOnce, startRemote, type RemoteServer } from './hoist.js';
import { readCpuSeconds } from './proc-stats.js';
import { runRclone, writeRcloneConfig } from './rclone.js';
import { figure, MiB, type Figure } from './report.js';
import {
  parseRusage,
  readStraceCounts,
  stracePrefix,
  timePrefix,
  type Rusage,
  type SyscallCounts,
} from './rusage.js';
import { startS3rver, type S3rverProcess } from './s3.js';
import { TREE_3K } from './specs.js';
import { makeTempDir } from './temp.js';
import { median, round } from './timing.js';
import { ensureTree, warmTree, type Tree } from './tree.js';

const RUN_TIMEOUT_MS = 10 * 60_000;

export interface SmallConfig {
  name: string;
  tool: 'hoist' | 'rclone';
  concurrency: number;
}

interface SmallRun {
  config: string;
  round: number;
  seconds: number;
  client: Rusage;
  /** CPU seconds over the run: s3rver, and `hoist remote` (Hoist's runs only). */
  s3rverCpu: number | null;
  serverCpu: number | null;
  loadBefore: number;
}

export async function benchSmall(options: {
  bench: string;
  configs: SmallConfig[];
  rounds: number;
  strace: boolean;
  log: (line: string) => void;
  loadAverage: () => number;
}): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { bench, configs, rounds, log } = options;
  const tree = await ensureTree(TREE_3K, log);
  log(`tree 3k: ${tree.files} files, ${(tree.bytes / MiB).toFixed(0)} MiB, in ${tree.root}`);
  const runs: SmallRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? configs : [...configs].reverse();
    for (const config of order) {
      const run = await smallRun(tree, config, round, options.loadAverage());
      runs.push(run);
      log(
        `3k ${config.name} round ${round}: ${run.seconds.toFixed(2)} s, client CPU ${run.client.cpuSeconds.toFixed(2)} s ` +
          `(${((run.client.cpuSeconds / tree.files) * 1000).toFixed(2)} ms/file), s3rver ${run.s3rverCpu ?? '-'} s` +
          (config.tool === 'hoist' ? `, hoist remote ${run.serverCpu ?? '-'} s` : ''),
      );
    }
  }
  const syscalls: Record<string, SyscallCounts> = {};
  if (options.strace) {
    for (const tool of ['hoist', 'rclone'] as const) {
      const config = configs.find((item) => item.tool === tool);
      if (!config) continue;
      syscalls[config.name] = await straceRun(tree, config);
      log(`3k ${config.name} syscalls: ${(syscalls[config.name]?.total ?? 0) / tree.files} per file`);
    }
  }

  const figures: Figure[] = [];
  const label = (config: SmallConfig): string =>
    config.tool === 'hoist' ? `Hoist -c ${config.concurrency}` : `rclone --transfers ${config.concurrency}`;
  const medianOf = (config: SmallConfig, pick: (run: SmallRun) => number | null): number | null => {
    const values = runs
      .filter((run) => run.config === config.name)
      .map(pick)
      .filter((value): value is number => value !== null);
    return values.length === 0 ? null : median(values);
  };
  const perFileUs = (config: SmallConfig): number | null => {
    const cpu = medianOf(config, (run) => run.client.cpuSeconds);
    return cpu === null ? null : Math.round((cpu / tree.files) * 1e6);
  };
  const size = `${tree.files.toLocaleString('en-US')} files of 1–64 KiB`;
  for (const config of configs) {
    const server = medianOf(config, (run) => run.serverCpu);
    const syscall = syscalls[config.name];
    figures.push(
      figure(
        bench,
        `3k.${config.name}.seconds`,
        `initial sync (${size}): ${label(config)}`,
        medianOf(config, (run) => run.seconds),
        's',
      ),
      figure(
        bench,
        `3k.${config.name}.clientCpuSeconds`,
        `  client CPU (utime+stime, whole process)`,
        medianOf(config, (run) => run.client.cpuSeconds),
        's',
      ),
      figure(bench, `3k.${config.name}.clientCpuPerFileUs`, `  client CPU per file`, perFileUs(config), 'µs'),
      figure(
        bench,
        `3k.${config.name}.serverCpuSeconds`,
        config.tool === 'hoist' ? '  server CPU: s3rver + hoist remote' : '  server CPU: s3rver',
        (medianOf(config, (run) => run.s3rverCpu) ?? Number.NaN) + (server ?? 0),
        's',
        null,
        config.tool === 'hoist'
          ? `s3rver ${medianOf(config, (run) => run.s3rverCpu)} s, hoist remote ${server} s`
          : undefined,
      ),
      ...(syscall
        ? [
            figure(
              bench,
              `3k.${config.name}.syscallsPerFile`,
              '  syscalls per file (strace -f -c, one extra run)',
              syscall.total / tree.files,
              '',
            ),
          ]
        : []),
    );
  }
  for (const hoist of configs.filter((config) => config.tool === 'hoist')) {
    const rclone = configs.find(
      (config) => config.tool === 'rclone' && config.concurrency === hoist.concurrency,
    );
    if (!rclone) continue;
    figures.push(
      figure(
        bench,
        `3k.ratio.${hoist.name}-vs-${rclone.name}.cpuPerFile`,
        `client CPU per file, ${label(hoist)} / ${label(rclone)}`,
        ratio(perFileUs(hoist), perFileUs(rclone)),
        '×',
        { op: '<=', value: 1 },
      ),
      figure(
        bench,
        `3k.ratio.${hoist.name}-vs-${rclone.name}.seconds`,
        `initial sync wall time, ${label(hoist)} / ${label(rclone)}`,
        ratio(
          medianOf(hoist, (run) => run.seconds),
          medianOf(rclone, (run) => run.seconds),
        ),
        '×',
        { op: '<=', value: 0.9 },
      ),
    );
  }
  return {
    figures,
    details: { tree: { root: tree.root, files: tree.files, bytes: tree.bytes }, runs, syscalls },
  };
}

async function smallRun(
  tree: Tree,
  config: SmallConfig,
  round: number,
  loadBefore: number,
): Promise<SmallRun> {
  return withStore(config, async (s3, server, temp) => {
    await warmTree(tree);
    const s3Before = await readCpuSeconds(s3.child.pid);
    const serverBefore = server ? await readCpuSeconds(server.child.pid) : null;
    const { seconds, lines } = await runTool(tree, config, s3, server, temp, timePrefix());
    const s3After = await readCpuSeconds(s3.child.pid);
    const serverAfter = server ? await readCpuSeconds(server.child.pid) : null;
    const client = parseRusage(lines);
    if (!client) throw new Error(`${config.name}: GNU time printed no rusage line`);
    await checkStored(s3, config, tree);
    return {
      config: config.name,
      round,
      seconds: round3(seconds),
      client,
      s3rverCpu: s3Before !== null && s3After !== null ? round3(s3After - s3Before) : null,
      serverCpu: serverBefore !== null && serverAfter !== null ? round3(serverAfter - serverBefore) : null,
      loadBefore: round3(loadBefore),
    };
  });
}

async function straceRun(tree: Tree, config: SmallConfig): Promise<SyscallCounts> {
  return withStore(config, async (s3, server, temp) => {
    const file = join(temp, 'strace.txt');
    await runTool(tree, config, s3, server, temp, stracePrefix(file));
    await checkStored(s3, config, tree);
    return readStraceCounts(file);
  });
}

/** A fresh s3rver (and, for Hoist, a fresh `hoist remote --backend s3` on it) for one run. */
async function withStore<T>(
  config: SmallConfig,
  work: (s3: S3rverProcess, server: RemoteServer | null, temp: string) => Promise<T>,
): Promise<T> {
  const s3 = await startS3rver('bench');
  const temp = await makeTempDir(`sync-3k-${config.name}-`);
  let server: RemoteServer | null = null;
  try {
    if (config.tool === 'hoist') {
      server = await startRemote({
        dataDir: join(temp.path, 'remote'),
        backend: { kind: 's3', endpoint: s3.endpoint, bucket: s3.bucket },
        log: false,
      });
    }
    return await work(s3, server, temp.path);
  } finally {
    await server?.stop();
    await s3.stop();
    await temp.remove();
  }
}

async function runTool(
  tree: Tree,
  config: SmallConfig,
  s3: S3rverProcess,
  server: RemoteServer | null,
  temp: string,
  prefix: readonly string[],
): Promise<{ seconds: number; lines: string[] }> {
  if (config.tool === 'hoist') {
    if (!server) throw new Error('no hoist remote');
    const run = await runSyncOnce(
      {
        folder: tree.root,
        stateDir: join(temp, 'state'),
        remote: server,
        concurrency: config.concurrency,
        prefix,
      },
      RUN_TIMEOUT_MS,
    );
    if (run.summary?.uploaded !== tree.files || run.summary.notSynced !== 0) {
      throw new Error(`Hoist uploaded ${run.summary?.uploaded} of ${tree.files} files`);
    }
    return { seconds: run.seconds, lines: run.output };
  }
  const conf = await writeRcloneConfig(temp, s3.endpoint);
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
    '--s3-no-head',
    '--stats',
    '0',
    '--log-level',
    'NOTICE',
  ];
  const run = await runRclone(args, RUN_TIMEOUT_MS, prefix);
  return { seconds: run.seconds, lines: run.output };
}

async function checkStored(s3: S3rverProcess, config: SmallConfig, tree: Tree): Promise<void> {
  const stored = await s3.usage(config.tool === 'hoist' ? 'alloy/' : 'rclone/');
  if (stored.objects !== tree.files || stored.bytes !== tree.bytes) {
    throw new Error(
      `${config.name}: the bucket holds ${stored.objects} objects / ${stored.bytes} bytes, expected ${tree.files} / ${tree.bytes}`,
    );
  }
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function round3(value: number): number {
  return round(value, 3);
}
