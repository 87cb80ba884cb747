/**
 * Large files (issue 19): one big file (default 6 GiB) through the reference server (`hoist remote`,
 * fs backend, real HTTP) with `hoist sync --once`, the client SIGKILLed when the server has received
 * about half of it, then run again to resume. Then one 1 GiB file's client CPU and peak RSS beside
 * `md5sum`, uploaded in parts and in one PUT. Run it with `npm run bench -- --only large`.
 *
 * Figures: the server's copy has the file's MD5 (read back from its parts); the bytes the server
 * received in all (its process's rchar: every byte it read, request bodies and all, against the
 * goal ≤ 1.02 × the file); peak RSS of client and server (VmHWM, goal < 200 MB each); end-to-end
 * throughput (first run + resume, wall time) beside `md5sum` on the same warm file (goal ≥ 70%).
 *
 * The inputs are generated once under os.tmpdir()/hoist-bench (a random 16 MiB block repeated, each
 * copy stamped with its index: distinct parts, cheap to make). The server runs without fsync, so the
 * figures are the client's and the wire's, not the disk's.
 *
 * Options: --size BYTES (default 6 GiB), --small-size BYTES (default 1 GiB), --skip-small.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { FsBlobStore } from '../../electron/server/storage/fs-blob-store.js';
import { spawnChild } from './bench-support/child.js';
import { benchLog, runBench, runCleanups } from './bench-support/cleanup.js';
import { startRemote, syncArgs, parseSummary, type RemoteServer } from './bench-support/hoist.js';
import { readMemory } from './bench-support/proc-stats.js';
import { MB, MiB, figure, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { WORK_DIR } from './bench-support/paths.js';
import { makeTempDir } from './bench-support/temp.js';
import { nowMs } from './bench-support/timing.js';

const BENCH = 'large';
const log = benchLog(BENCH);
const GiB = 1024 * MiB;
const BLOCK = 16 * MiB;
const HOUR_MS = 60 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: String(6 * GiB) },
      'small-size': { type: 'string', default: String(GiB) },
      'skip-small': { type: 'boolean', default: false },
    },
  });
  const size = Number(values.size);
  const smallSize = Number(values['small-size']);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};

  await mkdir(WORK_DIR, { recursive: true });
  const big = await ensureFile(size);
  log(`warming the page cache with md5sum on ${big}`);
  const expected = timedMd5sum(big).md5;
  const md5sum = timedMd5sum(big);
  if (md5sum.md5 !== expected) throw new Error('md5sum changed its mind');
  log(`md5sum: ${md5sum.wallSeconds.toFixed(1)} s wall, ${md5sum.cpuSeconds.toFixed(1)} s CPU`);

  const killed = await killedAndResumed(big, size);
  const throughput = size / killed.wallSeconds / MB;
  const md5sumThroughput = size / md5sum.wallSeconds / MB;
  details.big = { size, md5sum, ...killed, serverMd5: killed.serverMd5, expectedMd5: expected };
  figures.push(
    figure(
      BENCH,
      'big.md5-correct',
      `${label(size)}: server copy's MD5 is the file's`,
      killed.serverMd5 === expected ? 1 : 0,
      'ratio',
      { op: '>=', value: 1 },
    ),
    figure(
      BENCH,
      'big.received-ratio',
      `${label(size)}: bytes the server received / file size`,
      killed.serverReadBytes / size,
      '×',
      { op: '<=', value: 1.02 },
    ),
    figure(
      BENCH,
      'big.client-peak-rss',
      `${label(size)}: client peak RSS (either run)`,
      killed.clientPeakBytes / MB,
      'MB',
      { op: '<', value: 200 },
    ),
    figure(
      BENCH,
      'big.server-peak-rss',
      `${label(size)}: server peak RSS`,
      killed.serverPeakBytes / MB,
      'MB',
      { op: '<', value: 200 },
    ),
    figure(
      BENCH,
      'big.throughput-ratio',
      `${label(size)}: end-to-end throughput (killed + resumed) / md5sum`,
      (throughput / md5sumThroughput) * 100,
      '%',
      { op: '>=', value: 70 },
      `${throughput.toFixed(0)} MB/s beside md5sum's ${md5sumThroughput.toFixed(0)} MB/s; killed at ${(killed.killedAtFraction * 100).toFixed(0)}% received; client CPU ${killed.clientCpuSeconds.toFixed(1)} s, md5sum's ${md5sum.cpuSeconds.toFixed(1)} s`,
    ),
  );

  if (values['skip-small'] !== true) {
    const small = await ensureFile(smallSize);
    timedMd5sum(small);
    const smallMd5sum = timedMd5sum(small);
    const parts = await oneRun(small, []);
    const onePut = await oneRun(small, ['--multipart-threshold', String(smallSize + 1)]);
    details.small = { size: smallSize, md5sum: smallMd5sum, parts, onePut };
    for (const [id, name, run] of [
      ['parts', 'in parts', parts],
      ['one-put', 'in one PUT', onePut],
    ] as const) {
      figures.push(
        figure(
          BENCH,
          `small.${id}.cpu-ratio`,
          `${label(smallSize)} ${name}: client CPU / md5sum CPU`,
          run.cpuSeconds / smallMd5sum.cpuSeconds,
          '×',
          { op: '<=', value: 1.3 },
          `${run.cpuSeconds.toFixed(2)} s beside md5sum's ${smallMd5sum.cpuSeconds.toFixed(2)} s; ${run.wallSeconds.toFixed(1)} s wall`,
        ),
        figure(
          BENCH,
          `small.${id}.peak-rss`,
          `${label(smallSize)} ${name}: client peak RSS`,
          run.peakBytes / MB,
          'MB',
          { op: '<', value: 100 },
        ),
      );
    }
  }

  console.log(renderTable(figures));
  const file = await writeResult({ bench: BENCH, figures, details });
  log(`results: ${file}`);
  await runCleanups();
}

/** The big file through a fresh server: first run killed at about half received, then resumed. */
async function killedAndResumed(path: string, size: number) {
  const temp = await makeTempDir('hoist-large-');
  const folder = join(temp.path, 'folder');
  await mkdir(folder);
  // The cached input, in the synced folder without a copy: a hard link (Hoist syncs no symlinks).
  await link(path, join(folder, 'large.bin'));
  const remote = await startRemote({
    dataDir: join(temp.path, 'data'),
    backend: { kind: 'fs', fsync: false },
    log: false,
  });
  const stateDir = join(temp.path, 'state');
  const startedAt = nowMs();
  let clientPeakBytes: number;
  let clientCpuSeconds = 0;

  const first = spawnSync(folder, stateDir, remote);
  let killedAtFraction = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (!first.running) throw new Error(`the first run ended before it could be killed\n${first.tail()}`);
    const received = await readRchar(remote.child.pid);
    if (received >= size / 2) {
      killedAtFraction = received / size;
      break;
    }
  }
  // One last sample just before the kill: VmHWM is gone with the process.
  await first.memory?.sample();
  first.process.kill('SIGKILL');
  await first.exited;
  const firstMemory = first.memorySummary();
  clientPeakBytes = firstMemory?.peakBytes ?? 0;
  clientCpuSeconds += firstMemory?.cpuSeconds ?? 0;
  log(`client SIGKILLed at ${(killedAtFraction * 100).toFixed(1)}% received`);

  const second = spawnSync(folder, stateDir, remote);
  const exit = await second.wait(HOUR_MS);
  const secondMemory = second.memorySummary();
  const wallSeconds = (nowMs() - startedAt) / 1000;
  const summary = parseSummary(second.lines.map((line) => line.text));
  if (exit.code !== 0 || summary?.uploaded !== 1) {
    throw new Error(`the resumed run failed (code ${exit.code})\n${second.tail()}`);
  }
  clientPeakBytes = Math.max(clientPeakBytes, secondMemory?.peakBytes ?? 0);
  clientCpuSeconds += secondMemory?.cpuSeconds ?? 0;
  const serverReadBytes = await readRchar(remote.child.pid);
  const serverPeakBytes = (await readMemory(remote.child.pid))?.hwm ?? 0;
  const serverMd5 = await storedMd5(join(temp.path, 'data'), remote);
  await remote.stop();
  await temp.remove();
  return {
    wallSeconds,
    killedAtFraction,
    clientPeakBytes,
    clientCpuSeconds,
    serverReadBytes,
    serverPeakBytes,
    serverMd5,
  };
}

/** One `hoist sync --once` of `path` to a fresh server, under /usr/bin/time: exact CPU and peak RSS. */
async function oneRun(path: string, extra: string[]) {
  const temp = await makeTempDir('hoist-large-1g-');
  const folder = join(temp.path, 'folder');
  await mkdir(folder);
  await link(path, join(folder, 'file.bin'));
  const remote = await startRemote({
    dataDir: join(temp.path, 'data'),
    backend: { kind: 'fs', fsync: false },
    log: false,
  });
  const { args, env } = syncArgs({ folder, stateDir: join(temp.path, 'state'), remote }, true);
  const child = spawnChild('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...args, ...extra], {
    label: 'hoist sync --once (timed)',
    env,
  });
  const exit = await child.wait(HOUR_MS);
  const lines = child.lines.map((line) => line.text);
  const timing = lines
    .map((line) => /^TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(line))
    .find((match) => match !== null);
  if (exit.code !== 0 || timing == null || parseSummary(lines)?.uploaded !== 1) {
    throw new Error(`hoist sync --once ${extra.join(' ')} failed (code ${exit.code})\n${child.tail()}`);
  }
  const counts = remote.routeCounts();
  await remote.stop();
  await temp.remove();
  const run = {
    wallSeconds: Number(timing[1]),
    cpuSeconds: Number(timing[2]) + Number(timing[3]),
    peakBytes: Number(timing[4]) * 1024,
    routes: counts,
  };
  log(`1 file ${extra.join(' ') || '(default threshold)'}: ${JSON.stringify(run)}`);
  return run;
}

function spawnSync(folder: string, stateDir: string, remote: RemoteServer) {
  const { args, env } = syncArgs({ folder, stateDir, remote }, true);
  return spawnChild(process.execPath, args, { label: 'hoist sync --once', env, sampleMemoryMs: 200 });
}

/** md5sum of a warm file: its digest, wall time and CPU (from /usr/bin/time). */
function timedMd5sum(path: string): { md5: string; wallSeconds: number; cpuSeconds: number } {
  const output = execFileSync('sh', ['-c', `/usr/bin/time -f 'TIME %e %U %S' md5sum "$1" 2>&1`, 'sh', path], {
    encoding: 'utf8',
  });
  const digest = /^([0-9a-f]{32}) /m.exec(output);
  const match = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(output);
  if (digest === null || match === null) throw new Error(`unexpected md5sum output: ${output}`);
  return {
    md5: digest[1] as string,
    wallSeconds: Number(match[1]),
    cpuSeconds: Number(match[2]) + Number(match[3]),
  };
}

/** The input of `size` bytes, made once: a random 16 MiB block repeated, each copy stamped with its index. */
async function ensureFile(size: number): Promise<string> {
  const path = join(WORK_DIR, `large-${size}.bin`);
  const existing = await stat(path).catch(() => null);
  if (existing?.size === size) return path;
  log(`generating ${path} (${label(size)}), once`);
  const partial = `${path}.partial`;
  const handle = await open(partial, 'w');
  try {
    const block = randomBytes(BLOCK);
    for (let offset = 0, index = 0; offset < size; offset += BLOCK, index += 1) {
      block.writeUInt32BE(index, 0);
      await handle.write(block, 0, Math.min(BLOCK, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
  await rename(partial, path);
  return path;
}

/** Bytes a process has read through read(2) and friends (proc(5) rchar): a server's request bodies. */
async function readRchar(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  const match = /^rchar: (\d+)$/m.exec(io);
  if (match === null) throw new Error(`no rchar for ${pid}`);
  return Number(match[1]);
}

/** The MD5 of the one object the server stores, read back from its parts on disk. */
async function storedMd5(dataDir: string, remote: RemoteServer): Promise<string> {
  const [listed] = await remote.list();
  if (listed === undefined) throw new Error('the server lists nothing');
  const catalog = new Database(join(dataDir, 'catalog.db'), { readonly: true });
  let blob: string;
  try {
    const row = catalog
      .prepare("SELECT blob FROM objects WHERE ns = 'alloy' AND key = ?")
      .get(listed.s3Key) as { blob: string } | undefined;
    if (row === undefined) throw new Error(`no catalog row for ${listed.s3Key}`);
    blob = row.blob;
  } finally {
    catalog.close();
  }
  const hash = createHash('md5');
  for await (const chunk of await new FsBlobStore(join(dataDir, 'blobs'), false).read(blob))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function label(size: number): string {
  return size % GiB === 0 ? `${size / GiB} GiB` : `${(size / MiB).toFixed(0)} MiB`;
}

runBench(BENCH, main);
