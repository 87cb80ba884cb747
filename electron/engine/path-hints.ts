import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreRules } from './scan/ignore-rules.js';
import { sameStat, type LocalFiles } from './state/local-files.js';

/**
 * Applies watcher hints: each path is stat'ed and compared with the stat cache, exactly as a scan
 * would, so an event that lies (or arrives late, or twice) changes nothing. Returns the paths that
 * turned out deleted.
 */
export async function applyPathHints(
  paths: Iterable<string>,
  context: {
    root: string;
    rules: IgnoreRules;
    files: LocalFiles;
    now: number;
    /** The remote name of a path (remote-names.ts `remoteNamer`). */
    remoteName: (path: string) => string;
  },
): Promise<string[]> {
  const { files, now } = context;
  const deleted: string[] = [];
  for (const path of paths) {
    if (context.rules.ignores(path, false)) continue;
    const info = await lstat(join(context.root, ...path.split('/'))).catch(() => null);
    const row = files.get(path);
    if (info === null || !info.isFile()) {
      if (row && row.state !== 'deleted' && files.markDeleted(path, now)) deleted.push(path);
      continue;
    }
    const current = { size: info.size, mtimeMs: info.mtimeMs, inode: info.ino };
    if (row && row.state !== 'deleted' && sameStat(row, current)) continue;
    if (row && row.state === 'deleted' && sameStat(row, current) && files.restore(path, now)) continue;
    files.markSeen(path, context.remoteName(path), current, now);
  }
  return deleted;
}
