import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreRules } from './scan/ignore-rules.js';
import { sameStat, type LocalFiles } from './state/local-files.js';

/** What hinted paths turned out to be, beside the stat cache's own updates. */
export interface HintOutcome {
  /** Tracked files that are gone (or are no longer regular files). */
  deleted: string[];
  /** Entries that are not synced by design: a symbolic link or a special file (FIFO, socket, device). */
  skipped: Array<{ path: string; what: 'symlink' | 'special' }>;
  /** Paths that are a regular file, a folder or nothing now: not (or no longer) skipped. */
  notSkipped: string[];
}

/**
 * Applies watcher hints: each path is stat'ed and compared with the stat cache, exactly as a scan
 * would, so an event that lies (or arrives late, or twice) changes nothing. A link or special file
 * that appears is returned as skipped, so it is said while watching too, not at the next rescan.
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
): Promise<HintOutcome> {
  const { files, now } = context;
  const outcome: HintOutcome = { deleted: [], skipped: [], notSkipped: [] };
  for (const path of paths) {
    if (context.rules.ignores(path, false)) continue;
    const absolute = join(context.root, ...path.split('/'));
    const info = await lstat(absolute).catch(() => null);
    const row = files.get(path);
    if (info === null || !info.isFile()) {
      if (row && row.state !== 'deleted' && files.markDeleted(path, now)) outcome.deleted.push(path);
      if (info?.isSymbolicLink()) outcome.skipped.push({ path, what: 'symlink' });
      else if (info !== null && !info.isDirectory()) outcome.skipped.push({ path, what: 'special' });
      else outcome.notSkipped.push(path);
      continue;
    }
    outcome.notSkipped.push(path);
    const current = { size: info.size, mtimeMs: info.mtimeMs, inode: info.ino };
    if (row && row.state !== 'deleted' && sameStat(row, current)) {
      // Unreadable until now (its mode changed; a chmod moves no mtime): hash it now, not at the
      // retry a minute later.
      if (row.state === 'retrying' && row.errorCategory === 'local-file' && (await readable(absolute)))
        files.markSeen(path, context.remoteName(path), current, now);
      continue;
    }
    if (row && row.state === 'deleted' && sameStat(row, current) && files.restore(path, now)) continue;
    files.markSeen(path, context.remoteName(path), current, now);
  }
  return outcome;
}

function readable(absolutePath: string): Promise<boolean> {
  return access(absolutePath, constants.R_OK).then(
    () => true,
    () => false,
  );
}
