import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths.js';
import { figure, machine, renderTable, type Figure } from './report.js';

/**
 * The combined report of `npm run bench` (scripts/bench.mjs): reads each bench's JSON, turns the two
 * benches with their own formats (hash, server-put) into figures, prints one table and writes
 * bench-results/bench.json.
 */
export interface BenchOutcome {
  name: string;
  /** What ran: the command line, for the report. */
  command: string;
  status: 'ok' | 'failed' | 'skipped';
  seconds: number | null;
  /** ms since epoch when this bench started (results older than that are from an earlier run). */
  startedAt: number;
  error?: string;
}

interface Section {
  bench: string;
  status: BenchOutcome['status'] | 'stale' | 'missing';
  command: string;
  seconds: number | null;
  resultsFile: string;
  resultsDate: string | null;
  figures: Figure[];
  error?: string;
  raw?: unknown;
}

export const RESULT_FILES: Record<string, string> = {
  hash: 'hash.json',
  sync: 'sync.json',
  'watch-latency': 'watch-latency.json',
  'tracking-rss': 'tracking-rss.json',
  'listing-rss': 'listing-rss.json',
  'server-put': 'server-put.json',
};

export async function summarize(outcomes: readonly BenchOutcome[], runStartedAt: number): Promise<boolean> {
  const sections: Section[] = [];
  for (const outcome of outcomes) sections.push(await sectionOf(outcome));
  const figures = sections.flatMap((section) => section.figures);
  const current = sections
    .filter((section) => section.status !== 'stale')
    .flatMap((section) => section.figures);
  const missed = current.filter((item) => item.verdict === 'MISSED');
  const staleGoals = figures.length - current.length;
  const broken = sections.filter((section) => section.status === 'failed' || section.status === 'missing');

  console.log('');
  console.log('='.repeat(100));
  console.log('npm run bench — every figure, goal and verdict');
  console.log('='.repeat(100));
  console.log(renderTable(figures));
  console.log('');
  for (const section of sections) {
    const when = section.resultsDate ? ` (results of ${section.resultsDate})` : '';
    const took = section.seconds === null ? '' : `, ${section.seconds.toFixed(0)} s`;
    console.log(
      `  ${section.bench}: ${section.status}${took}${when}${section.error ? ` — ${section.error}` : ''}`,
    );
  }
  console.log('');
  console.log(
    `goals of this run: ${current.filter((item) => item.verdict === 'met').length} met, ${missed.length} MISSED` +
      (missed.length > 0 ? ` (${missed.map((item) => item.id).join(', ')})` : '') +
      (staleGoals > 0 ? `; figures from earlier runs (not run now) are marked "(earlier run)"` : ''),
  );

  const report = {
    date: new Date(runStartedAt).toISOString(),
    finished: new Date().toISOString(),
    machine: machine(),
    goals: {
      met: current.filter((item) => item.verdict === 'met').map((item) => item.id),
      missed: missed.map((item) => item.id),
    },
    figures,
    benches: sections.map((section) => ({
      bench: section.bench,
      status: section.status,
      command: section.command,
      seconds: section.seconds,
      resultsFile: section.resultsFile,
      resultsDate: section.resultsDate,
      ...(section.error !== undefined ? { error: section.error } : {}),
    })),
  };
  const file = join(RESULTS_DIR, 'bench.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`all figures written to ${file}`);
  return broken.length === 0;
}

async function sectionOf(outcome: BenchOutcome): Promise<Section> {
  const resultsFile = join(RESULTS_DIR, RESULT_FILES[outcome.name] ?? `${outcome.name}.json`);
  const base = {
    bench: outcome.name,
    command: outcome.command,
    seconds: outcome.seconds,
    resultsFile,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
  const info = await stat(resultsFile).catch(() => null);
  let raw: unknown;
  try {
    raw = info ? JSON.parse(await readFile(resultsFile, 'utf8')) : undefined;
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      resultsDate: null,
      figures: [],
      error: `unreadable results: ${String(error)}`,
    };
  }
  if (raw === undefined) {
    return {
      ...base,
      status: outcome.status === 'skipped' ? 'skipped' : 'missing',
      resultsDate: null,
      figures: [],
      error: outcome.error ?? `no ${resultsFile}`,
    };
  }
  const resultsDate =
    typeof (raw as { date?: unknown }).date === 'string' ? (raw as { date: string }).date : null;
  const fresh = info !== null && info.mtimeMs >= outcome.startedAt;
  // A failed bench's old results are not this run's figures; a skipped bench's are shown, marked.
  if (!fresh && outcome.status !== 'skipped') {
    return {
      ...base,
      status: outcome.status === 'ok' ? 'missing' : 'failed',
      resultsDate,
      figures: [],
      error: outcome.error ?? `${resultsFile} was not rewritten by this run`,
    };
  }
  let figures: Figure[];
  try {
    figures = figuresOf(outcome.name, raw);
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      resultsDate,
      figures: [],
      error: `results not understood: ${String(error)}`,
    };
  }
  if (!fresh) {
    figures = figures.map((item) => ({ ...item, bench: `${item.bench} (earlier run)` }));
    return { ...base, status: 'stale', resultsDate, figures };
  }
  return { ...base, status: outcome.status, resultsDate, figures };
}

function figuresOf(name: string, raw: unknown): Figure[] {
  if (name === 'hash') return hashFigures(raw);
  if (name === 'server-put') return serverPutFigures(raw);
  const figures = (raw as { figures?: unknown }).figures;
  if (!Array.isArray(figures)) throw new Error('no "figures" array');
  return figures as Figure[];
}

// ---- hash.bench (bench-results/hash.json, its own format) ----

interface HashCase {
  name: string;
  bestMibPerSecond: number;
  ratioToMd5sum: number | null;
}

function hashFigures(raw: unknown): Figure[] {
  const report = raw as { cases?: HashCase[]; goal?: { ratioToMd5sum?: number } };
  if (!Array.isArray(report.cases)) throw new Error('no "cases" array');
  const goal = report.goal?.ratioToMd5sum ?? 0.95;
  const figures: Figure[] = [];
  for (const item of report.cases) {
    figures.push(
      figure('hash', `${slug(item.name)}.mibPerSecond`, item.name, item.bestMibPerSecond, 'MiB/s'),
    );
    if (item.ratioToMd5sum === null || item.ratioToMd5sum === undefined) continue;
    // The goal is for MD5 alone, one big file, one worker; the other ratios are context.
    const isGoal = /^HasherPool MD5, 1 worker/.test(item.name);
    figures.push(
      figure(
        'hash',
        `${slug(item.name)}.ratioToMd5sum`,
        `${item.name}: share of md5sum's speed`,
        item.ratioToMd5sum * 100,
        '%',
        isGoal ? { op: '>=', value: goal * 100 } : null,
      ),
    );
  }
  return figures;
}

// ---- server-put.bench (bench-results/server-put.json, its own format) ----

interface PutMode {
  bestMibPerSecond?: number;
  medianMibPerSecond?: number;
  medianRatio?: number;
  maxGrowthBytes?: number;
  runs?: Array<{ rssPeakBytes?: number }>;
}

function serverPutFigures(raw: unknown): Figure[] {
  const report = raw as {
    goals?: { ratioToMd5sum?: number; rssGrowthBytes?: number };
    md5sum?: { bestMibPerSecond?: number };
    fsync?: PutMode;
    noFsync?: PutMode;
  };
  const ratioGoal = report.goals?.ratioToMd5sum;
  const growthGoal = report.goals?.rssGrowthBytes;
  const figures: Figure[] = [];
  if (report.md5sum?.bestMibPerSecond !== undefined) {
    figures.push(
      figure(
        'server-put',
        'md5sum.mibPerSecond',
        'md5sum on the 1 GiB file (best)',
        report.md5sum.bestMibPerSecond,
        'MiB/s',
      ),
    );
  }
  for (const [key, label] of [
    ['fsync', 'fsync'],
    ['noFsync', '--no-fsync'],
  ] as const) {
    const mode = report[key];
    if (!mode) continue;
    figures.push(
      figure(
        'server-put',
        `${key}.medianMibPerSecond`,
        `1 GiB presigned PUT, ${label}: median`,
        mode.medianMibPerSecond ?? null,
        'MiB/s',
      ),
      figure(
        'server-put',
        `${key}.medianRatio`,
        `1 GiB presigned PUT, ${label}: share of md5sum's speed (median)`,
        mode.medianRatio === undefined ? null : mode.medianRatio * 100,
        '%',
        ratioGoal === undefined ? null : { op: '>=', value: ratioGoal * 100 },
      ),
      figure(
        'server-put',
        `${key}.maxGrowthMiB`,
        `1 GiB presigned PUT, ${label}: server RSS growth (max)`,
        mode.maxGrowthBytes === undefined ? null : mode.maxGrowthBytes / 2 ** 20,
        'MiB',
        growthGoal === undefined ? null : { op: '<', value: growthGoal / 2 ** 20 },
      ),
    );
  }
  if (figures.length === 0) throw new Error('neither "fsync" nor "noFsync" results');
  return figures;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
