import { readFile } from 'node:fs/promises';

/**
 * Exact CPU of a whole process (every thread, start to exit) from the kernel's own accounting: the
 * process runs under GNU time, which prints the rusage that wait4() returned. The memory sampler's
 * CPU is up to one sampling interval short and misses what the process spends while exiting.
 */
export const TIME_BIN = '/usr/bin/time';
const MARK = 'HOIST-BENCH-RUSAGE';

export function timePrefix(): string[] {
  return [TIME_BIN, '-f', `${MARK} %U %S %M`];
}

export interface Rusage {
  userSeconds: number;
  systemSeconds: number;
  cpuSeconds: number;
  maxRssBytes: number;
}

/** The rusage line GNU time printed on the child's stderr; null when there is none. */
export function parseRusage(lines: readonly string[]): Rusage | null {
  for (let index = lines.length - 1; index >= 0; index--) {
    const text = lines[index] ?? '';
    const match = new RegExp(`^${MARK} ([\\d.]+) ([\\d.]+) (\\d+)$`).exec(text);
    if (!match) continue;
    const userSeconds = Number(match[1]);
    const systemSeconds = Number(match[2]);
    return {
      userSeconds,
      systemSeconds,
      cpuSeconds: Math.round((userSeconds + systemSeconds) * 100) / 100,
      maxRssBytes: Number(match[3]) * 1024,
    };
  }
  return null;
}

/** `strace -f -c`: every syscall of every thread counted, written to `file` at exit. */
export function stracePrefix(file: string): string[] {
  return ['strace', '-f', '-c', '-o', file, '--'];
}

export interface SyscallCounts {
  total: number;
  /** The most frequent calls, most first. */
  top: Array<{ name: string; calls: number }>;
}

/** The table `strace -c` wrote: "% time  seconds  usecs/call  calls  errors  syscall". */
export async function readStraceCounts(file: string): Promise<SyscallCounts> {
  const text = await readFile(file, 'utf8');
  let total = 0;
  const rows: Array<{ name: string; calls: number }> = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // A row has 5 fields when its errors column is empty, 6 otherwise; the name is last.
    if (fields.length < 5 || !/^[\d.]+$/.test(fields[0] ?? '')) continue;
    const name = fields[fields.length - 1] as string;
    const calls = Number(fields[3]);
    if (!Number.isFinite(calls)) continue;
    if (name === 'total') total = calls;
    else rows.push({ name, calls });
  }
  rows.sort((a, b) => b.calls - a.calls);
  return { total, top: rows.slice(0, 8) };
}
