import { openStateDb } from '../../electron/engine/state/state-db.js';

/**
 * Fills a pair's state DB with `count` remote files, half of them this folder's (synced local rows),
 * the way a big account looks after a refresh: for the 100,000-row UI test and benchmark, without
 * uploading 100,000 files first.
 */
export function seedMirror(stateFile: string, count: number): void {
  // The raw DB on purpose: a seed writes rows the way a refresh would, without going through one.
  const db = openStateDb(stateFile);
  try {
    const remote = db.prepare(
      `INSERT INTO remote_files (key, name, display_path, size, last_modified, md5, sha256, seen_at)
       VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)`,
    );
    const local = db.prepare(
      `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, md5, state, remote_key, remote_owned, synced_md5, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'synced', ?, 1, ?, ?)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (let index = 0; index < count; index++) {
        const path = `folder-${String(Math.floor(index / 1000)).padStart(3, '0')}/file-${String(index).padStart(6, '0')}.txt`;
        const key = `key-${index}`;
        const size = 1000 + ((index * 7919) % 100_000);
        remote.run(key, path, path, size, now - index * 1000, now);
        if (index % 2 === 0) local.run(path, path, size, now, index + 1, 'md5', key, 'md5', now);
      }
    })();
  } finally {
    db.close();
  }
}
