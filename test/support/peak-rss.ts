import { readFile } from 'node:fs/promises';

/**
 * Follows a child process's peak resident memory (Linux: VmHWM in /proc/<pid>/status, the kernel's
 * own high-water mark), polled until `stop`. The last reading before the process exits is its peak
 * up to then, so a short poll interval loses at most the final moments.
 */
export function trackPeakRss(pid: number, intervalMs = 100): { stop(): Promise<number> } {
  let peakBytes = 0;
  const read = async (): Promise<void> => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
      if (match) peakBytes = Math.max(peakBytes, Number(match[1]) * 1024);
    } catch {
      // Exited: the last reading stands.
    }
  };
  const timer = setInterval(() => void read(), intervalMs);
  void read();
  return {
    stop: async () => {
      clearInterval(timer);
      return peakBytes;
    },
  };
}
