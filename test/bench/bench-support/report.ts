import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths.js';

/** A goal: the figure must be `op` `value` (in the figure's unit). */
export interface Goal {
  op: '<' | '<=' | '>' | '>=';
  value: number;
}

export type Verdict = 'met' | 'MISSED';

/** One number of a bench, as it appears in the table and in bench-results/*.json. */
export interface Figure {
  /** Stable, for scripts: "sync.10k.initial.hoist-c4.seconds". */
  id: string;
  bench: string;
  label: string;
  value: number | null;
  unit: string;
  goal: Goal | null;
  /** null: no goal, or no value (the bench broke). */
  verdict: Verdict | null;
  note?: string;
}

export interface BenchResult {
  bench: string;
  date: string;
  machine: Record<string, unknown>;
  figures: Figure[];
  /** Everything else measured (per-run timings, request counts, timelines). */
  details: Record<string, unknown>;
}

export function figure(
  bench: string,
  id: string,
  label: string,
  value: number | null,
  unit: string,
  goal: Goal | null = null,
  note?: string,
): Figure {
  return {
    id: `${bench}.${id}`,
    bench,
    label,
    value: value === null || !Number.isFinite(value) ? null : value,
    unit,
    goal,
    verdict: verdictOf(value, goal),
    ...(note !== undefined ? { note } : {}),
  };
}

export function verdictOf(value: number | null, goal: Goal | null): Verdict | null {
  if (goal === null || value === null || !Number.isFinite(value)) return null;
  const met =
    goal.op === '<'
      ? value < goal.value
      : goal.op === '<='
        ? value <= goal.value
        : goal.op === '>'
          ? value > goal.value
          : value >= goal.value;
  return met ? 'met' : 'MISSED';
}

export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    loadAverage1m: loadavg()[0],
  };
}

export async function writeResult(result: Omit<BenchResult, 'date' | 'machine'>): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.bench}.json`);
  const full: BenchResult = { ...result, date: new Date().toISOString(), machine: machine() };
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`);
  return file;
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const digits =
    unit === 'ms' || unit === 'files' || unit === 'requests'
      ? 0
      : unit === 's'
        ? value < 10
          ? 2
          : 1
        : unit === '×' || unit === 'ratio'
          ? 2
          : 1;
  const text = value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return unit === '×' ? `${text}×` : unit === '%' ? `${text}%` : `${text} ${unit}`;
}

export function formatGoal(goal: Goal | null, unit: string): string {
  if (goal === null) return '';
  // Goals are round numbers: no trailing zeros ("< 300 MB", not "< 300.0 MB").
  return `${goal.op} ${formatValue(goal.value, unit).replace(/\.0+(?=\D|$)/, '')}`;
}

/** The table every bench prints, and `npm run bench` prints for all of them. */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['bench', 'figure', 'value', 'goal', 'verdict'];
  const rows = figures.map((item) => [
    item.bench,
    item.label,
    formatValue(item.value, item.unit),
    formatGoal(item.goal, item.unit),
    item.verdict ?? (item.goal !== null ? 'NO VALUE' : ''),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`];
  for (const row of rows) out.push(line(row));
  const notes = figures.filter((item) => item.note !== undefined);
  if (notes.length > 0) {
    out.push('');
    for (const item of notes) out.push(`  ${item.bench} · ${item.label}: ${item.note}`);
  }
  return out.join('\n');
}

export const MiB = 1024 * 1024;
export const MB = 1_000_000;
