/**
 * One watcher, alone in its own process, over a tree: `node watcher-rss-child.js <directory|chokidar> <root>`.
 * Starts watchFolder with the watcher named (Hoist's DirectoryWatcher, or chokidar 5 configured as
 * Hoist used it before: directories only, no initial events, no symlinks, no atomic mode), waits
 * for it to be ready, checks a new file is heard, and prints one JSON line with the process's memory
 * (VmHWM from /proc: what the kernel saw at its peak) and CPU time. tracking-rss.bench runs it once
 * per watcher, so both are measured the same way on the same tree: why Hoist has its own watcher.
 */
import { watch as chokidarWatch } from 'chokidar';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IgnoreRules } from '../../../electron/engine/scan/ignore-rules.js';
import { watchFolder, type WatchOptions } from '../../../electron/engine/scan/folder-watcher.js';
import { readCpuSeconds, readMemory } from './proc-stats.js';
import { nowMs, sleep } from './timing.js';

export interface WatcherRssResult {
  watcher: 'directory' | 'chokidar';
  readyMs: number;
  peakRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  cpuSeconds: number;
  heardNewFile: boolean;
}

const chokidarWatcher: WatchOptions['createWatcher'] = (root, options) =>
  chokidarWatch(root, {
    persistent: true,
    ignoreInitial: true,
    followSymlinks: false,
    atomic: false,
    // Files are heard through their directory's watch: only directories are watched.
    ignored: (path, stats) =>
      stats !== undefined && !stats.isDirectory() ? true : (options.ignored?.(path, true) ?? false),
  });

async function main(): Promise<void> {
  const [kind, root] = process.argv.slice(2);
  if ((kind !== 'directory' && kind !== 'chokidar') || root === undefined) {
    throw new Error('usage: watcher-rss-child <directory|chokidar> <root>');
  }
  // A missing folder would be waited for, not watched.
  if (!(await stat(root)).isDirectory()) throw new Error(`${root} is not a directory`);
  const rules = await IgnoreRules.load(root);
  const hints: string[] = [];
  const started = nowMs();
  const watcher = watchFolder(
    root,
    rules,
    {
      onHint: (path) => hints.push(path),
      onRescan: () => undefined,
      onFallback: (error) => console.error(`fell back to rescans: ${error.message}`),
    },
    kind === 'chokidar' ? { createWatcher: chokidarWatcher } : {},
  );
  await watcher.ready;
  const readyMs = nowMs() - started;
  const probe = join(root, `watcher-probe-${process.pid}.txt`);
  await writeFile(probe, 'probe');
  const deadline = nowMs() + 10_000;
  while (!hints.some((hint) => hint.endsWith(`watcher-probe-${process.pid}.txt`)) && nowMs() < deadline) {
    await sleep(20);
  }
  const heardNewFile = hints.some((hint) => hint.endsWith(`watcher-probe-${process.pid}.txt`));
  await rm(probe, { force: true });
  // Settled: what it keeps while watching, after the start's garbage is gone.
  await sleep(2_000);
  const memory = await readMemory(process.pid);
  const cpuSeconds = await readCpuSeconds(process.pid);
  await watcher.close();
  const result: WatcherRssResult = {
    watcher: kind,
    readyMs,
    peakRssBytes: memory?.hwm ?? Number.NaN,
    rssBytes: memory?.rss ?? Number.NaN,
    heapUsedBytes: process.memoryUsage().heapUsed,
    cpuSeconds: cpuSeconds ?? Number.NaN,
    heardNewFile,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
