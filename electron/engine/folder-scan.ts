import { effectiveRemoteName } from './remote/remote-names.js';
import type { IgnoreRules } from './scan/ignore-rules.js';
import { walkFolder } from './scan/folder-walker.js';
import { sameStat, type LocalFile, type LocalFiles, type StatKey } from './state/local-files.js';

export interface ScanOutcome {
  filesSeen: number;
  /** New or changed files queued for hashing. */
  changed: number;
  /** Files that moved: their known hash was reused, nothing re-read. */
  renamed: number;
  /** Paths that vanished in this scan. */
  deleted: string[];
  unreadable: Array<{ path: string; message: string }>;
}

/**
 * Compares the folder with the stat cache: only files whose size, mtime or inode changed are queued
 * for hashing, so an unchanged folder costs one walk and one query, and nothing is read.
 * A new path with the exact stat of a vanished one is a rename: its hash is reused.
 */
export async function scanFolder(options: {
  root: string;
  rules: IgnoreRules;
  files: LocalFiles;
  now: number;
  needsSha256: boolean;
}): Promise<ScanOutcome> {
  const { files, now } = options;
  const unreadable: ScanOutcome['unreadable'] = [];
  const walked = await walkFolder(options.root, options.rules, {
    onError: (path, error) => unreadable.push({ path, message: error.message }),
  });
  const known = new Map<string, LocalFile>();
  for (const row of files.all()) known.set(row.path, row);

  const present = new Set<string>();
  const added: Array<{ path: string; stat: StatKey }> = [];
  let changed = 0;
  let renamed = 0;
  const deleted: string[] = [];
  files.transaction(() => {
    for (const { path, stat } of walked) {
      present.add(path);
      const row = known.get(path);
      if (row && row.state !== 'deleted' && sameStat(row, stat)) continue;
      if (row && row.state === 'deleted' && sameStat(row, stat) && files.restore(path, now)) continue;
      if (!row || row.state === 'deleted') added.push({ path, stat });
      else {
        files.markSeen(path, effectiveRemoteName(path), stat, now);
        changed++;
      }
    }
    const vanished = new Map<string, LocalFile>();
    // A folder we could not read is not a folder whose files were deleted.
    const unreadablePaths = unreadable.map((entry) => entry.path);
    for (const row of known.values()) {
      if (present.has(row.path) || row.state === 'deleted') continue;
      if (
        unreadablePaths.some(
          (prefix) => prefix === '' || row.path === prefix || row.path.startsWith(`${prefix}/`),
        )
      ) {
        continue;
      }
      // Newly ignored: no longer synced, but not deleted either; its remote copy is left alone.
      if (options.rules.ignores(row.path, false)) {
        files.remove(row.path);
        continue;
      }
      files.markDeleted(row.path, now);
      deleted.push(row.path);
      if (row.md5 !== null && (row.sha256 !== null || !options.needsSha256))
        vanished.set(statIdentity(row), row);
    }
    for (const { path, stat } of added) {
      const source = vanished.get(statIdentity(stat));
      if (source && source.md5 !== null) {
        files.markRenamed(path, effectiveRemoteName(path), stat, source.md5, source.sha256, now);
        vanished.delete(statIdentity(stat));
        renamed++;
      } else {
        files.markSeen(path, effectiveRemoteName(path), stat, now);
        changed++;
      }
    }
  });
  return { filesSeen: walked.length, changed, renamed, deleted, unreadable };
}

function statIdentity(stat: StatKey): string {
  return `${stat.inode}:${stat.size}:${stat.mtimeMs}`;
}
