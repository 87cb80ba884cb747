import { readFile } from 'node:fs/promises';
import { nowMs } from './timing.js';

export interface Memory {
  /** VmRSS: resident now, bytes. */
  rss: number;
  /** VmHWM: the peak resident size since the process started, bytes. */
  hwm: number;
}

/** VmRSS and VmHWM from /proc/<pid>/status; null once the process is gone. */
export async function readMemory(pid: number): Promise<Memory | null> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  };
  const rss = field('VmRSS');
  const hwm = field('VmHWM');
  // A zombie has no memory fields.
  return rss === null || hwm === null ? null : { rss, hwm };
}

/** utime + stime of a process (all its threads), seconds; null once it is gone. */
export async function readCpuSeconds(pid: number): Promise<number | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface MemorySummary {
  /** Highest VmHWM seen (the kernel's own peak, so short spikes between samples count too). */
  peakBytes: number;
  /** Highest VmRSS sampled. */
  peakSampledRssBytes: number;
  lastRssBytes: number;
  samples: number;
  /** CPU seconds of the process at the last sample. */
  cpuSeconds: number | null;
  /** A coarse RSS timeline: [ms since start, bytes], at most ~200 points. */
  timeline: Array<[number, number]>;
}

/**
 * Samples a process's memory every `intervalMs` until it exits or `stop()` is called. VmHWM is
 * monotonic, so the peak is exact up to the last sample (at most `intervalMs` before exit).
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = nowMs();
  private peakHwm = 0;
  private peakRss = 0;
  private lastRss = 0;
  private count = 0;
  private cpu: number | null = null;
  private readonly points: Array<[number, number]> = [];
  private busy = false;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 50,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
    void this.sample();
  }

  get peakBytes(): number {
    return this.peakHwm;
  }

  get lastRssBytes(): number {
    return this.lastRss;
  }

  async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const [memory, cpu] = await Promise.all([readMemory(this.pid), readCpuSeconds(this.pid)]);
      if (memory === null) return;
      this.count++;
      this.peakHwm = Math.max(this.peakHwm, memory.hwm);
      this.peakRss = Math.max(this.peakRss, memory.rss);
      this.lastRss = memory.rss;
      if (cpu !== null) this.cpu = cpu;
      this.points.push([Math.round(nowMs() - this.startedAt), memory.rss]);
    } finally {
      this.busy = false;
    }
  }

  stop(): MemorySummary {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const step = Math.max(1, Math.ceil(this.points.length / 200));
    return {
      peakBytes: this.peakHwm,
      peakSampledRssBytes: this.peakRss,
      lastRssBytes: this.lastRss,
      samples: this.count,
      cpuSeconds: this.cpu,
      timeline: this.points.filter((_, index) => index % step === 0),
    };
  }
}
