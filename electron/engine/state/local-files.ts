import type { ErrorCategory, FileCounts, FileSyncState } from '../../../shared/sync-types.js';
import type { Db } from './state-db.js';

/** The stat fields that decide whether a file changed: the stat cache. */
export interface StatKey {
  size: number;
  mtimeMs: number;
  inode: number;
}

export interface LocalFile extends StatKey {
  path: string;
  remoteName: string;
  md5: string | null;
  sha256: string | null;
  state: FileSyncState;
  remoteKey: string | null;
  /**
   * This folder put the remote copy there (sent the bytes, or it sits under this file's own name).
   * Only such copies are ever deleted or replaced by the engine; a copy found by content dedupe may
   * be someone else's file.
   */
  remoteOwned: boolean;
  syncedMd5: string | null;
  lastError: string | null;
  errorCategory: ErrorCategory | null;
  attempts: number;
  retryAt: number | null;
  updatedAt: number;
}

interface Row {
  path: string;
  remote_name: string;
  size: number;
  mtime_ms: number;
  inode: number;
  md5: string | null;
  sha256: string | null;
  state: FileSyncState;
  remote_key: string | null;
  remote_owned: number;
  synced_md5: string | null;
  last_error: string | null;
  error_category: ErrorCategory | null;
  attempts: number;
  retry_at: number | null;
  updated_at: number;
}

/** What a scan needs of each tracked file, and no more: 100,000 of these must stay light. */
export interface TrackedStat extends StatKey {
  path: string;
  state: FileSyncState;
  hashed: boolean;
  hasSha256: boolean;
}

export function sameStat(a: StatKey, b: StatKey): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.inode === b.inode;
}

/** Local files of the pair: the stat cache, hashes, sync state and the remote key of each. */
export class LocalFiles {
  private readonly statements;
  // One wrapper for every transaction: db.transaction() prepares BEGIN/COMMIT each time it is called.
  private readonly runInTransaction: (work: () => unknown) => unknown;

  constructor(private readonly db: Db) {
    this.runInTransaction = db.transaction((work: () => unknown) => work());
    this.statements = {
      get: db.prepare('SELECT * FROM local_files WHERE path = ?'),
      insertSeen: db.prepare(
        `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, state, updated_at)
         VALUES (@path, @remoteName, @size, @mtimeMs, @inode, 'pending', @now)
         ON CONFLICT (path) DO UPDATE SET remote_name = excluded.remote_name, size = excluded.size,
           mtime_ms = excluded.mtime_ms, inode = excluded.inode, md5 = NULL, sha256 = NULL,
           state = 'pending', last_error = NULL, error_category = NULL, attempts = 0, retry_at = NULL,
           updated_at = excluded.updated_at`,
      ),
      copyHash: db.prepare(
        `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, md5, sha256, state, updated_at)
         SELECT @path, @remoteName, @size, @mtimeMs, @inode, md5, sha256, 'hashed', @now
           FROM local_files WHERE path = @source AND md5 IS NOT NULL
         ON CONFLICT (path) DO UPDATE SET remote_name = excluded.remote_name, size = excluded.size,
           mtime_ms = excluded.mtime_ms, inode = excluded.inode, md5 = excluded.md5, sha256 = excluded.sha256,
           state = 'hashed', last_error = NULL, error_category = NULL, attempts = 0, retry_at = NULL,
           updated_at = excluded.updated_at`,
      ),
      trackedStats: db
        .prepare(
          'SELECT path, size, mtime_ms, inode, state, md5 IS NOT NULL, sha256 IS NOT NULL FROM local_files',
        )
        .raw(),
      pendingSettled: db.prepare(
        "SELECT * FROM local_files WHERE state = 'pending' AND (updated_at <= @cutoff OR mtime_ms <= @cutoff) ORDER BY path LIMIT @limit",
      ),
      oldestPending: db.prepare("SELECT min(updated_at) AS at FROM local_files WHERE state = 'pending'"),
      recordHash: db.prepare(
        `UPDATE local_files SET md5 = @md5, sha256 = @sha256, state = 'hashed', updated_at = @now
         WHERE path = @path AND size = @size AND mtime_ms = @mtimeMs AND inode = @inode AND state = 'pending'`,
      ),
      setState: db.prepare(
        `UPDATE local_files SET state = @state, last_error = @lastError, error_category = @errorCategory,
           retry_at = @retryAt, attempts = @attempts, updated_at = @now WHERE path = @path`,
      ),
      // Synced only against a copy the mirror knows: the invariant that lets an unchanged listing
      // skip the search for lost copies (see mirror-refresh.ts).
      markSynced: db.prepare(
        `UPDATE local_files SET state = 'synced', remote_key = @remoteKey, remote_owned = @owned, synced_md5 = @md5, last_error = NULL,
           error_category = NULL, attempts = 0, retry_at = NULL, updated_at = @now
         WHERE path = @path AND md5 = @md5 AND EXISTS (SELECT 1 FROM remote_files WHERE key = @remoteKey)`,
      ),
      requeueForHash: db.prepare(
        `UPDATE local_files SET state = 'pending', md5 = NULL, sha256 = NULL, attempts = @attempts, updated_at = @now
         WHERE path = @path`,
      ),
      restore: db.prepare(
        `UPDATE local_files SET state = CASE WHEN remote_key IS NOT NULL AND synced_md5 = md5
             AND EXISTS (SELECT 1 FROM remote_files WHERE key = local_files.remote_key) THEN 'synced' ELSE 'hashed' END,
           updated_at = @now WHERE path = @path AND state = 'deleted' AND md5 IS NOT NULL`,
      ),
      markDeleted: db.prepare(
        `UPDATE local_files SET state = 'deleted', updated_at = @now WHERE path = @path AND state <> 'deleted'`,
      ),
      remove: db.prepare('DELETE FROM local_files WHERE path = ?'),
      hashedQueue: db.prepare(
        "SELECT path, md5 FROM local_files WHERE state = 'hashed' ORDER BY path LIMIT ?",
      ),
      queuedSizes: db.prepare("SELECT path, size FROM local_files WHERE state IN ('pending', 'hashed')"),
      byState: db.prepare('SELECT * FROM local_files WHERE state = ? ORDER BY path LIMIT ?'),
      promoteDueRetries: db.prepare(
        `UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END, updated_at = @now
         WHERE state = 'retrying' AND retry_at <= @now`,
      ),
      remoteLost: db.prepare(
        `SELECT path FROM local_files WHERE state = 'synced' AND remote_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM remote_files WHERE key = local_files.remote_key)`,
      ),
      requeueLost: db.prepare(
        `UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END, synced_md5 = NULL,
           remote_key = NULL, remote_owned = 0, updated_at = @now WHERE path = @path`,
      ),
      forgetDeletedWithoutCopy: db.prepare(
        `DELETE FROM local_files WHERE state = 'deleted'
           AND (remote_key IS NULL OR NOT EXISTS (SELECT 1 FROM remote_files WHERE key = local_files.remote_key))`,
      ),
      nextRetryAt: db.prepare("SELECT min(retry_at) AS at FROM local_files WHERE state = 'retrying'"),
      sameRemoteName: db.prepare(
        "SELECT * FROM local_files WHERE remote_name = ? AND path <> ? AND state <> 'deleted'",
      ),
      byRemoteKey: db.prepare('SELECT * FROM local_files WHERE remote_key = ?'),
      counts: db.prepare('SELECT state, count(*) AS n FROM local_files GROUP BY state'),
      resetInterrupted: db.prepare(
        "UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END WHERE state = 'uploading'",
      ),
      trackedCount: db.prepare("SELECT count(*) AS n FROM local_files WHERE state <> 'deleted'"),
    };
  }

  get(path: string): LocalFile | null {
    const row = this.statements.get.get(path) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** A new or changed file: forget its old hash and queue it for hashing. */
  markSeen(path: string, remoteName: string, stat: StatKey, now: number): void {
    this.statements.insertSeen.run({ path, remoteName, ...stat, now });
  }

  /**
   * A file that appeared under a new path with the stat of one that vanished (a rename or move):
   * its content is known, so it takes the vanished file's hash and skips hashing.
   */
  copyHashFrom(source: string, path: string, remoteName: string, stat: StatKey, now: number): boolean {
    return this.statements.copyHash.run({ source, path, remoteName, ...stat, now }).changes === 1;
  }

  /** Streams every tracked file's stat, lightly (rows as arrays: four numbers, a state, two flags). */
  *trackedStats(): Generator<TrackedStat> {
    const rows = this.statements.trackedStats.iterate() as IterableIterator<
      [string, number, number, number, FileSyncState, number, number]
    >;
    for (const [path, size, mtimeMs, inode, state, hashed, hasSha256] of rows) {
      yield { path, size, mtimeMs, inode, state, hashed: hashed === 1, hasSha256: hasSha256 === 1 };
    }
  }

  /**
   * Pending files that are not being written: last seen changing, or last modified, before
   * `settledBefore`. A file still being written waits instead of being hashed over and over.
   */
  pendingSettled(settledBefore: number, limit: number): LocalFile[] {
    return (this.statements.pendingSettled.all({ cutoff: settledBefore, limit }) as Row[]).map(fromRow);
  }

  oldestPendingAt(): number | null {
    return (this.statements.oldestPending.get() as { at: number | null }).at;
  }

  /** Records a hash, but only if the file is still the version that was hashed. */
  recordHash(path: string, stat: StatKey, md5: string, sha256: string | null, now: number): boolean {
    return this.statements.recordHash.run({ path, ...stat, md5, sha256, now }).changes === 1;
  }

  setState(
    path: string,
    state: FileSyncState,
    now: number,
    problem: { message: string; category: ErrorCategory; retryAt?: number; attempts?: number } | null = null,
  ): void {
    this.statements.setState.run({
      path,
      state,
      now,
      lastError: problem?.message ?? null,
      errorCategory: problem?.category ?? null,
      retryAt: problem?.retryAt ?? null,
      attempts: problem?.attempts ?? 0,
    });
  }

  /** The remote has `md5` under `remoteKey`; only applies if the file still has that content. */
  /**
   * Records that the remote holds this file's hashed content under `remoteKey`. False (nothing
   * changes) when the file has another hash by now, or when the mirror has no such key: record the
   * copy in the mirror first, or ask the remote.
   */
  markSynced(path: string, remoteKey: string, md5: string, owned: boolean, now: number): boolean {
    return this.statements.markSynced.run({ path, remoteKey, md5, owned: owned ? 1 : 0, now }).changes === 1;
  }

  /** Forgets the hash so the file is read again, keeping count of how often that happened. */
  requeueForHash(path: string, attempts: number, now: number): void {
    this.statements.requeueForHash.run({ path, attempts, now });
  }

  /** A file that was marked deleted is back, unchanged (a folder remounted, a file moved back). */
  restore(path: string, now: number): boolean {
    return this.statements.restore.run({ path, now }).changes === 1;
  }

  markDeleted(path: string, now: number): boolean {
    return this.statements.markDeleted.run({ path, now }).changes === 1;
  }

  remove(path: string): void {
    this.statements.remove.run(path);
  }

  /** The head of the upload queue, light: path and content hash only. */
  hashedQueue(limit: number): Array<{ path: string; md5: string | null }> {
    return this.statements.hashedQueue.all(limit) as Array<{ path: string; md5: string | null }>;
  }

  /** Sizes of every file waiting to be hashed or uploaded (progress totals). */
  queuedSizes(): Array<{ path: string; size: number }> {
    return this.statements.queuedSizes.all() as Array<{ path: string; size: number }>;
  }

  inState(state: FileSyncState, limit: number): LocalFile[] {
    return (this.statements.byState.all(state, limit) as Row[]).map(fromRow);
  }

  /** Files whose retry time has come go back to their queue (hashing or upload), keeping their attempt count. */
  promoteDueRetries(now: number): number {
    return this.statements.promoteDueRetries.run({ now }).changes;
  }

  /**
   * Synced files whose key is missing from the freshly refreshed mirror: the remote lost them (or
   * someone deleted them there). They go back to the upload queue; returns their paths.
   */
  markRemoteLost(now: number): string[] {
    const paths = this.statements.remoteLost.pluck().all() as string[];
    for (const path of paths) this.statements.requeueLost.run({ path, now });
    // Deleted locally and no copy left on the remote: nothing more to track.
    this.statements.forgetDeletedWithoutCopy.run();
    return paths;
  }

  /** The remote copy of a live file is gone: upload it again. */
  forgetRemoteCopy(path: string, now: number): void {
    this.statements.requeueLost.run({ path, now });
  }

  nextRetryAt(): number | null {
    return (this.statements.nextRetryAt.get() as { at: number | null }).at;
  }

  /** Other live files that would be stored under the same remote name. */
  sharingRemoteName(remoteName: string, path: string): LocalFile[] {
    return (this.statements.sameRemoteName.all(remoteName, path) as Row[]).map(fromRow);
  }

  withRemoteKey(key: string): LocalFile[] {
    return (this.statements.byRemoteKey.all(key) as Row[]).map(fromRow);
  }

  counts(): FileCounts {
    const counts: FileCounts = {
      total: 0,
      synced: 0,
      pending: 0,
      uploading: 0,
      failed: 0,
      conflict: 0,
      deleted: 0,
    };
    for (const { state, n } of this.statements.counts.all() as Array<{ state: FileSyncState; n: number }>) {
      if (state !== 'deleted') counts.total += n;
      if (state === 'synced') counts.synced += n;
      else if (state === 'pending' || state === 'hashed' || state === 'retrying') counts.pending += n;
      else if (state === 'uploading') counts.uploading += n;
      else if (state === 'failed') counts.failed += n;
      else if (state === 'conflict') counts.conflict += n;
      else if (state === 'deleted') counts.deleted += n;
    }
    return counts;
  }

  trackedCount(): number {
    return (this.statements.trackedCount.get() as { n: number }).n;
  }

  /** After a crash, uploads in flight start over: nothing is assumed to have landed. */
  resetInterrupted(): void {
    this.statements.resetInterrupted.run();
  }

  transaction<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }
}

function fromRow(row: Row): LocalFile {
  return {
    path: row.path,
    remoteName: row.remote_name,
    size: row.size,
    mtimeMs: row.mtime_ms,
    inode: row.inode,
    md5: row.md5,
    sha256: row.sha256,
    state: row.state,
    remoteKey: row.remote_key,
    remoteOwned: row.remote_owned === 1,
    syncedMd5: row.synced_md5,
    lastError: row.last_error,
    errorCategory: row.error_category,
    attempts: row.attempts,
    retryAt: row.retry_at,
    updatedAt: row.updated_at,
  };
}
