/**
 * `npm run bench:server`: how fast the reference remote takes a 1 GiB presigned PUT, compared with
 * `md5sum` on the same file (the MD5 the server must compute bounds it), and how much memory it
 * needs to do so. Not a test: it prints a table, writes bench-results/server-put.json and always
 * exits 0 unless something broke (a missed goal is reported, not failed).
 *
 * The server runs as a child process (`hoist remote`), so its RSS is its own and not the bench's.
 *
 * Options: --runs N (per fsync mode, default 3), --size BYTES (default 1 GiB; other sizes get their own
 * cached source file), --mode fsync|no-fsync|both (default both), --cli PATH (another build of
 * dist/electron/cli/main.js, to compare two versions of the server).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchLog, runBench } from './bench-support/cleanup.js';

const log = benchLog('server');

const MiB = 1024 * 1024;
const GOAL_RATIO = 0.8;
const GOAL_GROWTH_BYTES = 64 * MiB;
const USER = 'bench';
const TOKEN = 'bench-token-123';
const BLOCK = MiB;

// dist/test/bench/server-put.bench.js → the repository root is three levels up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(ROOT, 'dist', 'electron', 'cli', 'main.js');
const RESULTS = join(ROOT, 'bench-results', 'server-put.json');
const WORK_DIR = join(tmpdir(), 'hoist-bench');
// The `hoist` build whose server is measured; --cli points at another build to compare two versions.
let cliPath = CLI;

interface RunResult {
  fsync: boolean;
  putSeconds: number;
  mibPerSecond: number;
  ratioToMd5sum: number;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  rssGrowthBytes: number;
  /** CPU the server process used during the PUT (all its threads), seconds. */
  serverCpuSeconds: number;
}

interface ModeSummary {
  runs: RunResult[];
  bestMibPerSecond: number;
  medianMibPerSecond: number;
  bestRatio: number;
  medianRatio: number;
  maxGrowthBytes: number;
  meetsThroughputGoal: boolean;
  meetsMemoryGoal: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      size: { type: 'string', default: String(1024 * MiB) },
      mode: { type: 'string', default: 'both' },
      cli: { type: 'string', default: CLI },
    },
  });
  cliPath = resolve(values.cli);
  const runs = Number(values.runs);
  const size = Number(values.size);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(size) || size < 1) throw new Error('--size must be a positive integer');
  const modes: boolean[] =
    values.mode === 'fsync' ? [true] : values.mode === 'no-fsync' ? [false] : [true, false];

  await mkdir(WORK_DIR, { recursive: true });
  await removeStaleDataDirs();
  const source = await ensureSourceFile(size);
  log(`source: ${source} (${formatMiB(size)} MiB)`);
  const md5Hex = await md5OfFile(source, size);

  const loadBefore = loadavg()[0] as number;
  if (loadBefore > 0.5)
    log(`warning: load average ${loadBefore.toFixed(2)}: other work competes for the CPUs`);
  const md5sumRuns = await measureMd5sum(source, size, md5Hex);
  const md5sumBest = Math.max(...md5sumRuns);
  log(`md5sum: best of ${md5sumRuns.length}: ${md5sumBest.toFixed(0)} MiB/s`);
  // Context, not a goal: what merely copying the file to disk costs on this machine.
  const copy = await measureCopy(source, size);
  log(
    `dd copy (1 MiB blocks): best ${copy.pageCache.toFixed(0)} MiB/s, with fsync ${copy.fsync.toFixed(0)} MiB/s`,
  );

  const results: RunResult[] = [];
  for (const fsync of modes) {
    for (let run = 1; run <= runs; run++) {
      const result = await uploadOnce(source, size, md5Hex, fsync, md5sumBest);
      results.push(result);
      log(
        `${fsync ? 'fsync   ' : 'no-fsync'} run ${run}: ${result.mibPerSecond.toFixed(0)} MiB/s ` +
          `(${(result.ratioToMd5sum * 100).toFixed(0)}% of md5sum), RSS ${formatMiB(result.rssBeforeBytes)} → ` +
          `peak ${formatMiB(result.rssPeakBytes)} MiB, server CPU ${result.serverCpuSeconds.toFixed(2)} s`,
      );
    }
  }

  const summaries: Record<string, ModeSummary> = {};
  for (const fsync of modes) summaries[fsync ? 'fsync' : 'noFsync'] = summarize(results, fsync);
  printTable(md5sumBest, summaries);

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    fileBytes: size,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    ddCopyMibPerSecond: copy,
    goals: { ratioToMd5sum: GOAL_RATIO, rssGrowthBytes: GOAL_GROWTH_BYTES },
    md5sum: { runsMibPerSecond: md5sumRuns, bestMibPerSecond: md5sumBest },
    ...summaries,
  };
  await mkdir(dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
}

/** Server data dirs (`data-<bench pid>-…`) left by an interrupted bench; never those of a running one. */
async function removeStaleDataDirs(): Promise<void> {
  for (const name of await readdir(WORK_DIR)) {
    const pid = /^data-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) {
      await rm(join(WORK_DIR, name), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A file of random bytes, created once and reused while its size is right (hash.bench shares it). */
async function ensureSourceFile(size: number): Promise<string> {
  const path = join(WORK_DIR, `random-${size}.bin`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isFile() && existing.size === size) return path;
  log(`creating ${path} …`);
  // Per process: another bench may be creating the same file right now.
  const partial = `${path}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  const block = Buffer.allocUnsafe(BLOCK);
  for (let written = 0; written < size; written += BLOCK) {
    const chunk = block.subarray(0, Math.min(BLOCK, size - written));
    randomFillSync(chunk);
    // A fresh copy per write: the stream may still hold the previous one.
    if (!out.write(Buffer.from(chunk))) await new Promise<void>((done) => out.once('drain', () => done()));
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  await rename(partial, path);
  return path;
}

/** The client's MD5, computed before the upload (not timed) and cached beside the file. */
async function md5OfFile(path: string, size: number): Promise<string> {
  const info = await stat(path);
  const cacheFile = `${path}.md5`;
  const tag = `${size} ${info.mtimeMs}`;
  const cached = await readFile(cacheFile, 'utf8').catch(() => '');
  const [cachedTag, cachedMd5] = cached.split('\n');
  if (cachedTag === tag && cachedMd5 !== undefined && /^[0-9a-f]{32}$/.test(cachedMd5)) return cachedMd5;
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: BLOCK })) hash.update(chunk as Buffer);
  const md5Hex = hash.digest('hex');
  await writeFile(cacheFile, `${tag}\n${md5Hex}`);
  return md5Hex;
}

/** md5sum MiB/s on a warm page cache: one warm-up pass, then three timed ones. */
async function measureMd5sum(path: string, size: number, expectedMd5: string): Promise<number[]> {
  await warmPageCache(path);
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = process.hrtime.bigint();
    const output = await runCommand('md5sum', [path]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!output.startsWith(expectedMd5)) throw new Error(`md5sum disagrees with Node's MD5: ${output}`);
    runs.push(size / MiB / seconds);
  }
  return runs;
}

async function warmPageCache(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 * MiB);
    while ((await handle.read(buffer, 0, buffer.length, null)).bytesRead > 0);
  } finally {
    await handle.close();
  }
}

function runCommand(command: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.once('error', fail);
    child.once('close', (code) =>
      code === 0 ? done(output) : fail(new Error(`${command} exited with ${code}`)),
    );
  });
}

type ServerProcess = ChildProcessByStdio<null, Readable, Readable>;

/** `dd` of the source into a new file, best of 3: into the page cache only, and with fsync. */
async function measureCopy(source: string, size: number): Promise<{ pageCache: number; fsync: number }> {
  const target = join(WORK_DIR, `copy-${process.pid}.tmp`);
  const best = async (extra: string[]): Promise<number> => {
    let fastest = 0;
    for (let run = 0; run < 3; run++) {
      await rm(target, { force: true });
      const started = process.hrtime.bigint();
      await runCommand('dd', [`if=${source}`, `of=${target}`, 'bs=1M', 'status=none', ...extra]);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      fastest = Math.max(fastest, size / MiB / seconds);
    }
    await rm(target, { force: true });
    return fastest;
  };
  return { pageCache: await best([]), fsync: await best(['conv=fsync']) };
}

/** One fresh server, one upload request, one timed PUT, then the server stops and its data goes. */
async function uploadOnce(
  source: string,
  size: number,
  md5Hex: string,
  fsync: boolean,
  md5sumMibPerSecond: number,
): Promise<RunResult> {
  const dataDir = await mkdtemp(join(WORK_DIR, `data-${process.pid}-`));
  const { child, url } = await startServer(dataDir, fsync);
  try {
    const md5Base64 = Buffer.from(md5Hex, 'hex').toString('base64');
    const contentType = 'application/octet-stream';
    const ticket = await requestUpload(url, md5Hex, contentType);
    if (ticket.md5 !== md5Base64) throw new Error(`the server answered md5 ${ticket.md5}, not ${md5Base64}`);
    await warmPageCache(source);
    const before = await memoryOf(child.pid as number);
    const cpuBefore = await cpuSecondsOf(child.pid as number);
    const started = process.hrtime.bigint();
    await put(ticket.presignedUrl, source, size, contentType, md5Base64, md5Hex);
    const putSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = await cpuSecondsOf(child.pid as number);
    const after = await memoryOf(child.pid as number);
    await checkListed(url, ticket.s3Key, size);
    const mibPerSecond = size / MiB / putSeconds;
    return {
      fsync,
      putSeconds,
      mibPerSecond,
      ratioToMd5sum: mibPerSecond / md5sumMibPerSecond,
      rssBeforeBytes: before.rss,
      rssPeakBytes: after.hwm,
      rssGrowthBytes: after.hwm - before.rss,
      serverCpuSeconds: cpuAfter - cpuBefore,
    };
  } finally {
    await stopServer(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function startServer(dataDir: string, fsync: boolean): Promise<{ child: ServerProcess; url: string }> {
  const args = [cliPath, 'remote', '--port', '0', '--data', dataDir, '--user', `${USER}:${TOKEN}`, '--quiet'];
  if (!fsync) args.push('--no-fsync');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    const onData = (text: string): void => {
      stdout += text;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        child.stdout.off('data', onData);
        // Keep draining stdout so the child never blocks on a full pipe.
        child.stdout.resume();
        done(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) =>
      fail(new Error(`the server exited with ${code} before listening: ${stderr}`)),
    );
  });
  return { child, url };
}

async function stopServer(child: ServerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** VmRSS (now) and VmHWM (peak since start) of a process, in bytes. */
async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** utime + stime of a process (all threads), from /proc/<pid>/stat. */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

interface Ticket {
  md5: string;
  presignedUrl: string;
  type: string;
  s3Key: string;
}

async function requestUpload(url: string, md5Hex: string, mimeType: string): Promise<Ticket> {
  const response = await fetch(`${url}/connectors/files/upload/request`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ filename: 'bench-upload.bin', mimeType, md5: md5Hex }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`upload request answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { presignedUrl: Ticket }).presignedUrl;
}

/** The timed part: a streaming PUT of the whole file, until the server's answer has been read. */
function put(
  presignedUrl: string,
  source: string,
  size: number,
  contentType: string,
  md5Base64: string,
  md5Hex: string,
): Promise<void> {
  return new Promise((done, fail) => {
    const req = request(presignedUrl, {
      method: 'PUT',
      agent: false,
      headers: { 'content-length': String(size), 'content-type': contentType, 'content-md5': md5Base64 },
    });
    req.once('error', fail);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (text: string) => (body += text));
      res.once('error', fail);
      res.once('end', () => {
        if (res.statusCode !== 200) fail(new Error(`PUT answered ${res.statusCode}: ${body}`));
        else if (res.headers.etag !== `"${md5Hex}"`) fail(new Error(`PUT answered ETag ${res.headers.etag}`));
        else done();
      });
    });
    const file = createReadStream(source, { highWaterMark: BLOCK });
    file.once('error', (error) => req.destroy(error));
    file.pipe(req);
  });
}

async function checkListed(url: string, s3Key: string, size: number): Promise<void> {
  const response = await fetch(`${url}/connectors/files/list`, {
    headers: { authorization: `Bearer ${TOKEN}`, 'x-api-version': '2025-09' },
  });
  const listing = (await response.json()) as { files: Array<{ s3Key: string; size: number }> };
  const entry = listing.files.find((file) => file.s3Key === s3Key);
  if (entry?.size !== size) throw new Error(`the uploaded file is not listed with ${size} bytes`);
}

function summarize(results: readonly RunResult[], fsync: boolean): ModeSummary {
  const runs = results.filter((result) => result.fsync === fsync);
  const speeds = runs.map((run) => run.mibPerSecond);
  const ratios = runs.map((run) => run.ratioToMd5sum);
  const maxGrowthBytes = Math.max(...runs.map((run) => run.rssGrowthBytes));
  const medianRatio = median(ratios);
  return {
    runs,
    bestMibPerSecond: Math.max(...speeds),
    medianMibPerSecond: median(speeds),
    bestRatio: Math.max(...ratios),
    medianRatio,
    maxGrowthBytes,
    meetsThroughputGoal: medianRatio >= GOAL_RATIO,
    meetsMemoryGoal: maxGrowthBytes < GOAL_GROWTH_BYTES,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function printTable(md5sumBest: number, summaries: Record<string, ModeSummary>): void {
  const header = [
    'mode',
    'md5sum MiB/s',
    'PUT MiB/s best',
    'PUT MiB/s median',
    'ratio best',
    'ratio median',
    'RSS before MiB',
    'RSS peak MiB',
    'growth MiB (max)',
  ];
  const rows = Object.entries(summaries).map(([mode, summary]) => [
    mode === 'fsync' ? 'fsync' : 'no-fsync',
    md5sumBest.toFixed(0),
    summary.bestMibPerSecond.toFixed(0),
    summary.medianMibPerSecond.toFixed(0),
    `${(summary.bestRatio * 100).toFixed(0)}%`,
    `${(summary.medianRatio * 100).toFixed(0)}%${summary.meetsThroughputGoal ? '' : ' (goal missed)'}`,
    formatMiB(Math.max(...summary.runs.map((run) => run.rssBeforeBytes))),
    formatMiB(Math.max(...summary.runs.map((run) => run.rssPeakBytes))),
    `${formatMiB(summary.maxGrowthBytes)}${summary.meetsMemoryGoal ? '' : ' (goal missed)'}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log(
    `goals: PUT ≥ ${GOAL_RATIO * 100}% of md5sum (median), RSS growth < ${formatMiB(GOAL_GROWTH_BYTES)} MiB (max)`,
  );
}

function formatMiB(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

runBench('server', main);
