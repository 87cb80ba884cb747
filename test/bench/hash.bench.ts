/**
 * How fast HasherPool hashes, compared with `md5sum` on the same data. Run it with
 * `npm run build:node && node dist/test/bench/hash.bench.js`. Not a test: it prints a table,
 * writes bench-results/hash.json and exits 0 unless something broke (a missed goal is reported,
 * not failed).
 *
 * Cases, all on a warm page cache, each timed `--runs` times (best counts), interleaved with
 * `md5sum` so that load from other processes hits both alike:
 * - one 1 GiB file, MD5 (the goal: ≥ 95% of md5sum) and MD5 + SHA-256, one worker;
 * - many small files (`--files` × `--file-size`), MD5, with a pool of the default size against one
 *   `md5sum` process given all of them — the per-file cost, and what the second core buys.
 *
 * Options: --runs N (default 3), --size BYTES (default 1 GiB), --files N (default 2048),
 * --file-size BYTES (default 256 KiB).
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { READ_SIZE } from '../../electron/engine/hash/hash-file.js';
import { HasherPool, type HashResult } from '../../electron/engine/hash/hasher-pool.js';
import { benchLog, runBench } from './bench-support/cleanup.js';

const log = benchLog('hash');

const MiB = 1024 * 1024;
const GOAL_RATIO = 0.95;
const WRITE_BLOCK = MiB;

// dist/test/bench/hash.bench.js → the repository root is three levels up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RESULTS = join(ROOT, 'bench-results', 'hash.json');
const WORK_DIR = join(tmpdir(), 'hoist-bench');

interface CaseResult {
  name: string;
  bytes: number;
  /** MiB/s of each run. */
  runs: number[];
  bestMibPerSecond: number;
  /** Best of this case over best md5sum on the same data. */
  ratioToMd5sum: number | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      size: { type: 'string', default: String(1024 * MiB) },
      files: { type: 'string', default: '2048' },
      'file-size': { type: 'string', default: String(256 * 1024) },
    },
  });
  const runs = positiveInteger(values.runs, '--runs');
  const size = positiveInteger(values.size, '--size');
  const fileCount = positiveInteger(values.files, '--files');
  const fileSize = positiveInteger(values['file-size'], '--file-size');

  await mkdir(WORK_DIR, { recursive: true });
  const big = await ensureRandomFile(join(WORK_DIR, `random-${size}.bin`), size);
  const smallDir = await ensureSmallFiles(fileCount, fileSize);
  const small = (await readdir(smallDir)).sort().map((name) => join(smallDir, name));
  log(
    `big file: ${big} (${formatMiB(size)} MiB); small files: ${fileCount} × ${fileSize} bytes in ${smallDir}`,
  );

  for (const path of [big, ...small]) await warmPageCache(path);
  const [expectedMd5] = (await runCommand('md5sum', [big])).split(' ');
  const [expectedSha256] = (await runCommand('sha256sum', [big])).split(' ');
  const expectedSmall = parseSums(await runCommand('md5sum', small));

  const one = new HasherPool({ size: 1 });
  const many = new HasherPool();
  try {
    // Start the workers before timing: a pool lives as long as the engine.
    await Promise.all([warmUp(one, small), warmUp(many, small)]);

    const timings = {
      md5sumBig: [] as number[],
      poolMd5: [] as number[],
      poolMd5Sha256: [] as number[],
      md5sumSmall: [] as number[],
      poolSmall: [] as number[],
    };
    for (let run = 1; run <= runs; run++) {
      timings.md5sumBig.push(
        await timed(size, async () => {
          const output = await runCommand('md5sum', [big]);
          if (!output.startsWith(`${expectedMd5} `)) throw new Error(`md5sum changed its mind: ${output}`);
        }),
      );
      timings.poolMd5.push(
        await timed(size, async () => {
          const result = hashed(await one.hash({ absolutePath: big, sha256: false }), big);
          if (result.md5 !== expectedMd5)
            throw new Error(`HasherPool MD5 ${result.md5} != md5sum ${expectedMd5}`);
        }),
      );
      timings.poolMd5Sha256.push(
        await timed(size, async () => {
          const result = hashed(await one.hash({ absolutePath: big, sha256: true }), big);
          if (result.md5 !== expectedMd5 || result.sha256 !== expectedSha256) {
            throw new Error('HasherPool MD5/SHA-256 disagree with md5sum/sha256sum');
          }
        }),
      );
      timings.md5sumSmall.push(
        await timed(fileCount * fileSize, async () => {
          await runCommand('md5sum', small);
        }),
      );
      timings.poolSmall.push(
        await timed(fileCount * fileSize, async () => {
          const results = await Promise.all(
            small.map((absolutePath) => many.hash({ absolutePath, sha256: false })),
          );
          results.forEach((result, index) => {
            const path = small[index] as string;
            if (hashed(result, path).md5 !== expectedSmall.get(path))
              throw new Error(`wrong MD5 for ${path}`);
          });
        }),
      );
      const last = (values: number[]): string => (values.at(-1) ?? 0).toFixed(0);
      log(
        `run ${run}: md5sum ${last(timings.md5sumBig)} · pool MD5 ${last(timings.poolMd5)} · ` +
          `pool MD5+SHA-256 ${last(timings.poolMd5Sha256)} · small files: md5sum ${last(timings.md5sumSmall)}, ` +
          `pool ${last(timings.poolSmall)} MiB/s`,
      );
    }

    const md5sumBig = Math.max(...timings.md5sumBig);
    const md5sumSmall = Math.max(...timings.md5sumSmall);
    const cases: CaseResult[] = [
      caseOf(`md5sum, 1 file of ${formatMiB(size)} MiB`, size, timings.md5sumBig, null),
      caseOf('HasherPool MD5, 1 worker', size, timings.poolMd5, md5sumBig),
      caseOf('HasherPool MD5 + SHA-256, 1 worker', size, timings.poolMd5Sha256, md5sumBig),
      caseOf(`md5sum, ${fileCount} files of ${fileSize} B`, fileCount * fileSize, timings.md5sumSmall, null),
      caseOf(`HasherPool MD5, ${many.size} workers`, fileCount * fileSize, timings.poolSmall, md5sumSmall),
    ];
    printTable(cases);
    const poolMd5 = cases[1] as CaseResult;
    const meetsGoal = (poolMd5.ratioToMd5sum ?? 0) >= GOAL_RATIO;
    console.log(
      `goal: HasherPool MD5 ≥ ${GOAL_RATIO * 100}% of md5sum on one big file (best of ${runs}): ` +
        `${((poolMd5.ratioToMd5sum ?? 0) * 100).toFixed(0)}% — ${meetsGoal ? 'met' : 'MISSED'}`,
    );

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      availableParallelism: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      readSizeBytes: READ_SIZE,
      fileBytes: size,
      smallFiles: { count: fileCount, bytes: fileSize },
      goal: { ratioToMd5sum: GOAL_RATIO, met: meetsGoal },
      cases,
    };
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    log(`results written to ${RESULTS}`);
  } finally {
    await Promise.all([one.close(), many.close()]);
  }
}

function positiveInteger(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a positive integer`);
  return number;
}

/** Runs `work` once and returns MiB/s for `bytes`. */
async function timed(bytes: number, work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return bytes / MiB / seconds;
}

function hashed(result: HashResult, path: string): Extract<HashResult, { status: 'hashed' }> {
  if (result.status !== 'hashed') throw new Error(`${path} was not hashed: ${JSON.stringify(result)}`);
  return result;
}

async function warmUp(pool: HasherPool, paths: readonly string[]): Promise<void> {
  await Promise.all(
    paths.slice(0, pool.size * 2).map((absolutePath) => pool.hash({ absolutePath, sha256: false })),
  );
}

function caseOf(name: string, bytes: number, runs: number[], md5sumBest: number | null): CaseResult {
  const bestMibPerSecond = Math.max(...runs);
  return {
    name,
    bytes,
    runs,
    bestMibPerSecond,
    ratioToMd5sum: md5sumBest === null ? null : bestMibPerSecond / md5sumBest,
  };
}

/** A file of random bytes, created once and reused while its size is right (shared with server-put.bench). */
async function ensureRandomFile(path: string, size: number): Promise<string> {
  const existing = await stat(path).catch(() => null);
  if (existing?.isFile() && existing.size === size) return path;
  log(`creating ${path} …`);
  const partial = `${path}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  const block = Buffer.allocUnsafe(WRITE_BLOCK);
  for (let written = 0; written < size; written += WRITE_BLOCK) {
    const chunk = block.subarray(0, Math.min(WRITE_BLOCK, size - written));
    randomFillSync(chunk);
    // A fresh copy per write: the stream may still hold the previous one.
    if (!out.write(Buffer.from(chunk))) await new Promise<void>((done) => out.once('drain', () => done()));
  }
  await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
  await rename(partial, path);
  return path;
}

async function ensureSmallFiles(count: number, size: number): Promise<string> {
  const dir = join(WORK_DIR, `small-${count}x${size}`);
  await mkdir(dir, { recursive: true });
  const present = new Set(await readdir(dir));
  for (let index = 0; index < count; index++) {
    const name = `${String(index).padStart(6, '0')}.bin`;
    if (present.has(name) && (await stat(join(dir, name))).size === size) continue;
    await writeFile(join(dir, name), randomFillSync(Buffer.allocUnsafe(size)));
  }
  return dir;
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

/** `md5sum` output → path → hex digest. */
function parseSums(output: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]+) [ *](.+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) sums.set(match[2], match[1]);
  }
  return sums;
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

function printTable(cases: readonly CaseResult[]): void {
  const header = ['case', 'MiB/s (best)', 'runs (MiB/s)', 'vs md5sum'];
  const rows = cases.map((result) => [
    result.name,
    result.bestMibPerSecond.toFixed(0),
    format(result.runs),
    result.ratioToMd5sum === null ? '—' : `${(result.ratioToMd5sum * 100).toFixed(1)}%`,
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
}

function format(values: readonly number[]): string {
  return values.map((value) => value.toFixed(0)).join(' / ');
}

function formatMiB(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

runBench('hash', main);
