import type { ScanFinding } from './not-synced.js';
import type { IgnoreRules } from './scan/ignore-rules.js';
import { walkFolder } from './scan/folder-walker.js';
import type { LocalFiles, StatKey, TrackedStat } from './state/local-files.js';

export interface ScanOutcome {
  filesSeen: number;
  /** New or changed files queued for hashing. */
  changed: number;
  /** Files that moved: their known hash was reused, nothing re-read. */
  renamed: number;
  /** Paths that vanished in this scan. */
  deleted: string[];
  /**
   * What could not be taken in, each with why: a name that is not UTF-8, an entry that could not be
   * looked at, a folder that could not be listed (so nothing below it is known).
   */
  unreadable: ScanFinding[];
  /** Entries deliberately not synced, with why: symbolic links and special files. */
  skipped: ScanFinding[];
}

/**
 * Compares the folder with the stat cache: only files whose size, mtime or inode changed are queued
 * for hashing, so an unchanged folder costs one walk and one pass over the DB, and nothing is read.
 * A new path with the exact stat of a vanished one is a rename: its hash is reused.
 *
 * Memory stays proportional to the walk: the DB side is streamed row by row (path and stat only),
 * and only the differences are collected before they are written in one transaction.
 */
export async function scanFolder(options: {
  root: string;
  rules: IgnoreRules;
  files: LocalFiles;
  now: number;
  needsSha256: boolean;
  /** The remote name of a path (remote-names.ts `remoteNamer`). */
  remoteName: (path: string) => string;
}): Promise<ScanOutcome> {
  const { files, now } = options;
  const unreadable: ScanOutcome['unreadable'] = [];
  const skipped: ScanOutcome['skipped'] = [];
  const walked = await walkFolder(options.root, options.rules, {
    onError: (path, error) => unreadable.push(unreadableFinding(path, error)),
    onSkipped: (path, what) => skipped.push(skippedFinding(path, what)),
  });
  const onDisk = new Map<string, StatKey>();
  for (const { path, stat } of walked) onDisk.set(path, stat);
  const filesSeen = walked.length;

  // A folder we could not read is not a folder whose files were deleted.
  const unreadablePaths = unreadable.map((entry) => entry.path);
  const underUnreadable = (path: string): boolean =>
    unreadablePaths.some((prefix) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`));

  const changedFiles: Array<{ path: string; stat: StatKey }> = [];
  const restored: Array<{ path: string; stat: StatKey }> = [];
  const vanished: TrackedStat[] = [];
  const newlyIgnored: string[] = [];
  for (const row of files.trackedStats()) {
    const stat = onDisk.get(row.path);
    if (stat === undefined) {
      if (underUnreadable(row.path)) continue;
      // Newly ignored: no longer synced, but not deleted either; its remote copy is left alone. That
      // holds for one already marked deleted too (a deletion not yet mirrored, or held): once left
      // out, a path's remote copy is the person's to delete, never the mirrored deletions'.
      if (options.rules.ignores(row.path, false)) newlyIgnored.push(row.path);
      else if (row.state !== 'deleted') vanished.push(row);
      continue;
    }
    onDisk.delete(row.path);
    const same = row.size === stat.size && row.mtimeMs === stat.mtimeMs && row.inode === stat.inode;
    if (same && row.state !== 'deleted') continue;
    if (same && row.hashed) restored.push({ path: row.path, stat });
    else changedFiles.push({ path: row.path, stat });
  }
  // What is left on disk was never tracked (or only as deleted with another stat): new files.

  const reusable = new Map<string, TrackedStat>();
  for (const row of vanished) {
    if (row.hashed && (row.hasSha256 || !options.needsSha256)) reusable.set(statIdentity(row), row);
  }
  let renamed = 0;
  let changed = 0;
  files.transaction(() => {
    for (const path of newlyIgnored) files.setAside(path);
    for (const row of vanished) files.markDeleted(row.path, now);
    for (const file of restored) {
      if (!files.restore(file.path, now)) changedFiles.push(file);
    }
    for (const { path, stat } of changedFiles) {
      files.markSeen(path, options.remoteName(path), stat, now);
      changed++;
    }
    for (const [path, stat] of onDisk) {
      const source = reusable.get(statIdentity(stat));
      if (source) {
        reusable.delete(statIdentity(stat));
        if (files.copyHashFrom(source.path, path, options.remoteName(path), stat, now)) {
          renamed++;
          continue;
        }
      }
      files.markSeen(path, options.remoteName(path), stat, now);
      changed++;
    }
  });
  return { filesSeen, changed, renamed, deleted: vanished.map((row) => row.path), unreadable, skipped };
}

/** A link or special file, with why it is not synced (the summary, `hoist status`, the log, the window). */
export function skippedFinding(path: string, what: 'symlink' | 'special'): ScanFinding {
  return what === 'symlink'
    ? { path, reason: 'symbolic-link', message: 'A symbolic link: not followed, so not synced' }
    : {
        path,
        reason: 'special-file',
        message: 'A special file (FIFO, socket or device): nothing to upload',
      };
}

/** What the walk could not take in, with why in words. */
export function unreadableFinding(path: string, error: NodeJS.ErrnoException): ScanFinding {
  if (error.code === 'EILSEQ') return { path, reason: 'bad-name', message: error.message };
  if (isFolderError(error)) {
    return {
      path,
      reason: 'folder-unreadable',
      message: `Cannot open this folder, so nothing in it is synced: ${error.message}`,
    };
  }
  return { path, reason: 'unreadable', message: `Cannot read this, so it is not synced: ${error.message}` };
}

function statIdentity(stat: StatKey): string {
  return `${stat.inode}:${stat.size}:${stat.mtimeMs}`;
}

/** Whether the walk failed to list a directory (rather than to look at one entry). */
function isFolderError(error: NodeJS.ErrnoException): boolean {
  return error.syscall === 'scandir' || error.syscall === 'opendir';
}
