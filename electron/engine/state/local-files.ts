// Past 300 lines on purpose: every statement on local_files, prepared once, in one place, so the SQL
// that decides a file's state (synced only against a listed copy, COPY_MATCHES, conflicts) reads as one.
import type { ConflictKind, ErrorCategory, FileCounts, FileSyncState } from '../../../shared/sync-types.js';
import type { NotSyncedReason } from '../../../shared/not-synced.js';
import { ExcludedCopies } from './excluded-copies.js';
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
  /** The size of the copy this file recorded as its own (the baseline for noticing a replacement). */
  syncedSize: number | null;
  /** The remote's date of that copy as first listed after the upload; null until then. */
  syncedRemoteModified: number | null;
  /** Why the file is in conflict (state `conflict` or `ignored`), and the remote object in the way. */
  conflictKind: ConflictKind | null;
  conflictKey: string | null;
  /** The remote name a "keep both" resolution gave this file; it keeps it from then on. */
  nameOverride: string | null;
  /** The key of an upload attempt whose outcome was not recorded (see migrations.ts), or null. */
  sentKey: string | null;
  lastError: string | null;
  errorCategory: ErrorCategory | null;
  /** As stored: a NotSyncedReason, or null for rows written before reasons were stored. */
  errorReason: string | null;
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
  synced_size: number | null;
  synced_remote_modified: number | null;
  conflict_kind: ConflictKind | null;
  conflict_key: string | null;
  name_override: string | null;
  sent_key: string | null;
  last_error: string | null;
  error_category: ErrorCategory | null;
  error_reason: string | null;
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

/**
 * Whether the remote object `r` is still the copy the local file `l` recorded as its own: the digest
 * where the remote lists one (Composio), else the size, and the date once a listing gave it. Alloy
 * lists no digest, so a replacement of the same size within the same millisecond is not seen.
 */
const COPY_MATCHES = `(r.md5 IS NULL OR l.synced_md5 IS NULL OR lower(r.md5) = l.synced_md5)
  AND (r.size IS NULL OR l.synced_size IS NULL OR r.size = l.synced_size)
  AND (r.last_modified IS NULL OR l.synced_remote_modified IS NULL OR r.last_modified = l.synced_remote_modified)`;
const COPY_MATCHES_CORRELATED = COPY_MATCHES.replace(/\bl\./g, 'local_files.');

/** The remote object as the mirror holds it, for the ownership checks (COPY_MATCHES, in TypeScript). */
export interface MirroredCopy {
  key: string;
  size: number | null;
  lastModified: number | null;
  md5: string | null;
}

/** The TypeScript twin of COPY_MATCHES: is `copy` still the one `file` recorded under its key? */
export function copyMatches(file: LocalFile, copy: MirroredCopy): boolean {
  if (copy.key !== file.remoteKey) return false;
  if (copy.md5 !== null && file.syncedMd5 !== null && copy.md5.toLowerCase() !== file.syncedMd5) return false;
  if (copy.size !== null && file.syncedSize !== null && copy.size !== file.syncedSize) return false;
  return (
    copy.lastModified === null ||
    file.syncedRemoteModified === null ||
    copy.lastModified === file.syncedRemoteModified
  );
}

/** A copy this folder put there (or the user told it to take over) and nobody replaced since. */
export function isOwnCopy(file: LocalFile, copy: MirroredCopy): boolean {
  return file.remoteOwned && copyMatches(file, copy);
}

export function sameStat(a: StatKey, b: StatKey): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.inode === b.inode;
}

/** Local files of the pair: the stat cache, hashes, sync state and the remote key of each. */
export class LocalFiles {
  private readonly statements;
  // One wrapper for every transaction: db.transaction() prepares BEGIN/COMMIT each time it is called.
  private readonly runInTransaction: (work: () => unknown) => unknown;
  private readonly excludedCopies: ExcludedCopies;

  constructor(private readonly db: Db) {
    this.excludedCopies = new ExcludedCopies(db);
    this.runInTransaction = db.transaction((work: () => unknown) => work());
    this.statements = {
      get: db.prepare('SELECT * FROM local_files WHERE path = ?'),
      insertSeen: db.prepare(
        `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, state, updated_at)
         VALUES (@path, @remoteName, @size, @mtimeMs, @inode, 'pending', @now)
         ON CONFLICT (path) DO UPDATE SET remote_name = coalesce(local_files.name_override, excluded.remote_name),
           size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode, md5 = NULL, sha256 = NULL,
           state = 'pending', last_error = NULL, error_category = NULL, attempts = 0, retry_at = NULL,
           conflict_kind = NULL, conflict_key = NULL, updated_at = excluded.updated_at`,
      ),
      copyHash: db.prepare(
        `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, md5, sha256, state, updated_at)
         SELECT @path, @remoteName, @size, @mtimeMs, @inode, md5, sha256, 'hashed', @now
           FROM local_files WHERE path = @source AND md5 IS NOT NULL
         ON CONFLICT (path) DO UPDATE SET remote_name = coalesce(local_files.name_override, excluded.remote_name),
           size = excluded.size, mtime_ms = excluded.mtime_ms, inode = excluded.inode, md5 = excluded.md5,
           sha256 = excluded.sha256, state = 'hashed', last_error = NULL, error_category = NULL, attempts = 0,
           retry_at = NULL, conflict_kind = NULL, conflict_key = NULL, updated_at = excluded.updated_at`,
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
           error_reason = @errorReason, retry_at = @retryAt, attempts = @attempts, updated_at = @now
         WHERE path = @path`,
      ),
      // Synced only against a copy the mirror knows: the invariant that lets an unchanged listing
      // skip the search for lost copies (see mirror-refresh.ts).
      // The baseline date survives only when no bytes were sent and the copy is the one already recorded;
      // a copy the remote already had, as its listing in the mirror shows it, gives its listed date.
      markSynced: db.prepare(
        `UPDATE local_files SET state = 'synced', remote_key = @remoteKey, remote_owned = @owned, synced_md5 = @md5,
           synced_size = size,
           synced_remote_modified = CASE WHEN @keepBaseline = 1 AND remote_key = @remoteKey AND synced_md5 = @md5
             THEN synced_remote_modified
             WHEN @listedCopy = 1 THEN (SELECT last_modified FROM remote_files WHERE key = @remoteKey) END,
           last_error = NULL, error_category = NULL, attempts = 0, retry_at = NULL, conflict_kind = NULL,
           conflict_key = NULL, sent_key = NULL, updated_at = @now
         WHERE path = @path AND md5 = @md5 AND EXISTS (SELECT 1 FROM remote_files WHERE key = @remoteKey)`,
      ),
      // A touched file whose bytes are what it last uploaded: synced again only while the remote
      // still lists that very copy unchanged (a replaced copy must become a conflict, not "synced").
      reconfirmSynced: db.prepare(
        `UPDATE local_files SET state = 'synced', last_error = NULL, error_category = NULL, attempts = 0,
           retry_at = NULL, conflict_kind = NULL, conflict_key = NULL, updated_at = @now
         WHERE path = @path AND md5 = @md5 AND synced_md5 = @md5 AND remote_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM remote_files r WHERE r.key = local_files.remote_key AND ${COPY_MATCHES_CORRELATED})`,
      ),
      // Neither its state nor updated_at (the settle clock of a file being written, the deletion time
      // the mass-deletion guard counts): only which copy on the remote is this file's.
      recordSentCopy: db.prepare(
        `UPDATE local_files SET remote_key = @remoteKey, remote_owned = @owned, synced_md5 = @md5,
           synced_size = @size, synced_remote_modified = NULL, sent_key = NULL
         WHERE path = @path AND (md5 IS NULL OR md5 <> @md5)
           AND EXISTS (SELECT 1 FROM remote_files WHERE key = @remoteKey)`,
      ),
      markSending: db.prepare('UPDATE local_files SET sent_key = @key WHERE path = @path'),
      markConflict: db.prepare(
        `UPDATE local_files SET state = 'conflict', conflict_kind = @kind, conflict_key = @key,
           remote_owned = CASE WHEN @kind = 'replaced-on-remote' THEN 0 ELSE remote_owned END,
           last_error = @message, error_category = 'conflict', attempts = 0, retry_at = NULL, updated_at = @now
         WHERE path = @path`,
      ),
      // Synced files whose copy the remote now lists with other content: someone replaced it there.
      remoteReplaced: db.prepare(
        `SELECT l.path, l.remote_key AS key FROM local_files l JOIN remote_files r ON r.key = l.remote_key
         WHERE l.state = 'synced' AND NOT (${COPY_MATCHES})`,
      ),
      // The first listing after an upload gives the remote's own date of our copy: the baseline. Only
      // a row the listing wrote (seen as of its start) carries that date; one our upload recorded
      // while the listing was on its way carries our clock's, so it waits for the next listing.
      adoptBaselines: db.prepare(
        `UPDATE local_files SET synced_remote_modified =
           (SELECT r.last_modified FROM remote_files r WHERE r.key = local_files.remote_key)
         WHERE state = 'synced' AND synced_remote_modified IS NULL AND remote_key IS NOT NULL
           AND EXISTS (SELECT 1 FROM remote_files r WHERE r.key = local_files.remote_key
             AND r.last_modified IS NOT NULL AND r.seen_at <= @listedSince)`,
      ),
      // A conflict whose remote object is gone is no conflict any more: upload the file again.
      conflictGone: db.prepare(
        `SELECT path FROM local_files WHERE state IN ('conflict', 'ignored') AND conflict_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM remote_files WHERE key = local_files.conflict_key)`,
      ),
      releaseConflict: db.prepare(
        `UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END,
           remote_key = CASE WHEN conflict_kind = 'replaced-on-remote' THEN NULL ELSE remote_key END,
           synced_md5 = CASE WHEN conflict_kind = 'replaced-on-remote' THEN NULL ELSE synced_md5 END,
           conflict_kind = NULL, conflict_key = NULL, last_error = NULL, error_category = NULL, updated_at = @now
         WHERE path = @path`,
      ),
      keepBoth: db.prepare(
        `UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END,
           remote_name = @name, name_override = @name, remote_key = NULL, remote_owned = 0, synced_md5 = NULL,
           synced_size = NULL, synced_remote_modified = NULL, conflict_kind = NULL, conflict_key = NULL,
           last_error = NULL, error_category = NULL, attempts = 0, retry_at = NULL, updated_at = @now
         WHERE path = @path`,
      ),
      // The user chose to replace the remote copy: it becomes this file's own, as listed now, so the
      // upload guard lets exactly that copy be overwritten (another change there is a new conflict).
      takeOver: db.prepare(
        `UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END,
           remote_key = @key, remote_owned = 1, synced_md5 = NULL,
           synced_size = (SELECT size FROM remote_files WHERE key = @key),
           synced_remote_modified = (SELECT last_modified FROM remote_files WHERE key = @key),
           conflict_kind = NULL, conflict_key = NULL, last_error = NULL, error_category = NULL, attempts = 0,
           retry_at = NULL, updated_at = @now
         WHERE path = @path`,
      ),
      namesOfTracked: db.prepare("SELECT path, remote_name FROM local_files WHERE state <> 'deleted'").raw(),
      rename: db.prepare(
        `UPDATE local_files SET remote_name = @name, name_override = NULL,
           state = CASE WHEN state IN ('pending', 'uploading') OR md5 IS NULL THEN 'pending' ELSE 'hashed' END,
           remote_key = NULL, remote_owned = 0, synced_md5 = NULL, synced_size = NULL, synced_remote_modified = NULL,
           conflict_kind = NULL, conflict_key = NULL, last_error = NULL, error_category = NULL, attempts = 0,
           retry_at = NULL, updated_at = @now
         WHERE path = @path`,
      ),
      ignoreConflict: db.prepare(
        `UPDATE local_files SET state = 'ignored', updated_at = @now WHERE path = @path AND state = 'conflict'`,
      ),
      requeueForHash: db.prepare(
        `UPDATE local_files SET state = 'pending', md5 = NULL, sha256 = NULL, attempts = @attempts, updated_at = @now
         WHERE path = @path`,
      ),
      restore: db.prepare(
        `UPDATE local_files SET state = CASE WHEN remote_key IS NOT NULL AND synced_md5 = md5
             AND EXISTS (SELECT 1 FROM remote_files r WHERE r.key = local_files.remote_key AND ${COPY_MATCHES_CORRELATED})
             THEN 'synced' ELSE 'hashed' END,
           updated_at = @now WHERE path = @path AND state = 'deleted' AND md5 IS NOT NULL`,
      ),
      markDeleted: db.prepare(
        `UPDATE local_files SET state = 'deleted', updated_at = @now WHERE path = @path AND state <> 'deleted'`,
      ),
      remove: db.prepare('DELETE FROM local_files WHERE path = ?'),
      // Covered by local_files_by_state (state, path, md5): no row is read.
      hashedHeads: db.prepare(
        "SELECT path, md5 FROM local_files WHERE state = 'hashed' ORDER BY path LIMIT ?",
      ),
      ticketQueue: db.prepare(
        `SELECT * FROM local_files
           WHERE state = 'hashed' AND md5 IS NOT NULL AND (remote_key IS NULL OR synced_md5 IS NOT md5)
             AND size <= @maxSize
           ORDER BY path LIMIT @limit`,
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
      retryLocalNow: db.prepare(
        "UPDATE local_files SET retry_at = @now WHERE state = 'retrying' AND error_category = 'local-file' AND retry_at > @now",
      ),
      nextRetryAt: db.prepare("SELECT min(retry_at) AS at FROM local_files WHERE state = 'retrying'"),
      sameRemoteName: db.prepare(
        "SELECT * FROM local_files WHERE remote_name = ? AND path <> ? AND state <> 'deleted'",
      ),
      byRemoteKey: db.prepare('SELECT * FROM local_files WHERE remote_key = ?'),
      counts: db.prepare('SELECT state, count(*) AS n FROM local_files GROUP BY state'),
      notSyncedGroups: db.prepare(
        `SELECT state, error_reason AS reason, error_category AS category, count(*) AS n FROM local_files
         WHERE state IN ('failed', 'retrying', 'conflict', 'ignored') GROUP BY 1, 2, 3`,
      ),
      notSynced: db.prepare(
        `SELECT * FROM local_files WHERE state IN ('failed', 'retrying', 'conflict', 'ignored')
         ORDER BY state = 'ignored', path LIMIT ?`,
      ),
      conflicted: db.prepare(
        "SELECT * FROM local_files WHERE state IN ('conflict', 'ignored') ORDER BY path LIMIT ?",
      ),
      resetInterrupted: db.prepare(
        "UPDATE local_files SET state = CASE WHEN md5 IS NULL THEN 'pending' ELSE 'hashed' END WHERE state = 'uploading'",
      ),
      trackedCount: db.prepare("SELECT count(*) AS n FROM local_files WHERE state <> 'deleted'"),
      // Deleted since `since`, and not a move: no live file has the same content (or the same inode).
      recentlyLost: db.prepare(
        `SELECT count(*) AS n FROM local_files d WHERE d.state = 'deleted' AND d.updated_at >= @since
           AND d.remote_owned = 1 AND d.remote_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM local_files l WHERE l.state <> 'deleted'
             AND ((d.md5 IS NOT NULL AND l.md5 = d.md5) OR l.inode = d.inode))`,
      ),
      keepRemoteCopies: db.prepare(
        "UPDATE local_files SET remote_owned = 0 WHERE state = 'deleted' AND updated_at <= @before",
      ),
    };
  }

  get(path: string): LocalFile | null {
    const row = this.statements.get.get(path) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** A new or changed file: forget its old hash and queue it for hashing. */
  markSeen(path: string, remoteName: string, stat: StatKey, now: number): void {
    this.statements.insertSeen.run({ path, remoteName, ...stat, now });
    this.excludedCopies.takeBack(path);
  }

  /**
   * A file that appeared under a new path with the stat of one that vanished (a rename or move):
   * its content is known, so it takes the vanished file's hash and skips hashing.
   */
  copyHashFrom(source: string, path: string, remoteName: string, stat: StatKey, now: number): boolean {
    if (this.statements.copyHash.run({ source, path, remoteName, ...stat, now }).changes !== 1) return false;
    this.excludedCopies.takeBack(path);
    return true;
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
    problem: {
      message: string;
      category: ErrorCategory;
      /** Why it is not synced, for the counts and the Not synced list (not-synced.ts). */
      reason?: NotSyncedReason;
      retryAt?: number;
      attempts?: number;
    } | null = null,
  ): void {
    this.statements.setState.run({
      path,
      state,
      now,
      lastError: problem?.message ?? null,
      errorCategory: problem?.category ?? null,
      errorReason: problem?.reason ?? null,
      retryAt: problem?.retryAt ?? null,
      attempts: problem?.attempts ?? 0,
    });
  }

  /** The remote has `md5` under `remoteKey`; only applies if the file still has that content. */
  /**
   * Records that the remote holds this file's hashed content under `remoteKey`. False (nothing
   * changes) when the file has another hash by now, or when the mirror has no such key: record the
   * copy in the mirror first, or ask the remote. `listedCopy`: the mirror's row is the remote's own
   * listing of that copy (not our record of an upload), so its date is the baseline right away.
   */
  markSynced(
    path: string,
    remoteKey: string,
    md5: string,
    owned: boolean,
    now: number,
    sentBytes = true,
    listedCopy = false,
  ): boolean {
    const params = {
      path,
      remoteKey,
      md5,
      owned: owned ? 1 : 0,
      now,
      keepBaseline: sentBytes ? 0 : 1,
      listedCopy: listedCopy ? 1 : 0,
    };
    return this.statements.markSynced.run(params).changes === 1;
  }

  /**
   * The copy at `remoteKey` holds a version of this file that is no longer its current one (it changed,
   * or went, while that version was on its way, so `markSynced` refused it): the file is not synced,
   * and its state stays as it is (the new version waits for its own upload), but that copy is recorded
   * as this file's. Without it, a file deleted or renamed before its next upload left its copy on the
   * remote for good, since nothing said it was this folder's. False when the row already names this
   * content or the mirror does not list the key.
   */
  recordSentCopy(path: string, remoteKey: string, md5: string, size: number, owned: boolean): boolean {
    const params = { path, remoteKey, md5, size, owned: owned ? 1 : 0 };
    return this.statements.recordSentCopy.run(params).changes === 1;
  }

  /**
   * A touched file hashed to the content it last uploaded: synced again, without asking the remote,
   * if the mirror lists its copy unchanged. False otherwise (ask the remote, or it is a conflict).
   */
  reconfirmSynced(path: string, md5: string, now: number): boolean {
    return this.statements.reconfirmSynced.run({ path, md5, now }).changes === 1;
  }

  /** Bytes are about to go to `key`: until the outcome is recorded, an object there may be ours. */
  markSending(path: string, key: string): void {
    this.statements.markSending.run({ path, key });
  }

  /** The file would overwrite something that is not ours: it waits, with its reason, for the user. */
  markConflict(path: string, kind: ConflictKind, key: string | null, message: string, now: number): void {
    this.statements.markConflict.run({ path, kind, key, message, now });
  }

  /**
   * After a full listing: synced files whose copy was replaced on the remote become conflicts
   * (returned with the key), then freshly uploaded copies take the listed date as their baseline.
   */
  markRemoteReplaced(
    message: (path: string, key: string) => string,
    now: number,
    listedSince: number,
  ): string[] {
    const replaced = this.statements.remoteReplaced.all() as Array<{ path: string; key: string }>;
    for (const { path, key } of replaced) {
      this.markConflict(path, 'replaced-on-remote', key, message(path, key), now);
    }
    this.statements.adoptBaselines.run({ listedSince });
    return replaced.map((row) => row.path);
  }

  /** Conflicts whose remote object is gone go back to the queue; returns their paths. */
  releaseVanishedConflicts(now: number): string[] {
    const paths = this.statements.conflictGone.pluck().all() as string[];
    for (const path of paths) this.statements.releaseConflict.run({ path, now });
    return paths;
  }

  /** "Keep both": the file goes to the remote under `remoteName` from now on. */
  keepBoth(path: string, remoteName: string, now: number): void {
    this.statements.keepBoth.run({ path, name: remoteName, now });
  }

  /** "Replace": the remote object `key`, as the mirror lists it now, may be overwritten by this file. */
  takeOver(path: string, key: string, now: number): boolean {
    return this.statements.takeOver.run({ path, key, now }).changes === 1;
  }

  /**
   * The pair's remote folder changed: every live file whose remote name differs goes to its new name
   * as a new upload (the copies under the old names stay where they are). Returns how many moved.
   */
  renameAll(remoteName: (path: string) => string, now: number): number {
    let moved = 0;
    this.transaction(() => {
      const rows = this.statements.namesOfTracked.all() as Array<[string, string]>;
      for (const [path, current] of rows) {
        const name = remoteName(path);
        if (name === current) continue;
        this.statements.rename.run({ path, name, now });
        moved++;
      }
    });
    return moved;
  }

  /** "Ignore": the conflict stands but is no longer reported as something to do. */
  ignoreConflict(path: string, now: number): boolean {
    return this.statements.ignoreConflict.run({ path, now }).changes === 1;
  }

  /** Files in conflict, ignored ones included. */
  conflicted(limit: number): LocalFile[] {
    return (this.statements.conflicted.all(limit) as Row[]).map(fromRow);
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

  /**
   * A tracked file that became ignored: no longer tracked, its remote copy left alone, and that copy
   * remembered as this folder's own for when the file is included again (excluded-copies.ts).
   */
  setAside(path: string): void {
    this.excludedCopies.keep(path);
    this.statements.remove.run(path);
  }

  /**
   * The head of the upload queue, as paths and MD5s only: read from the index alone, where the whole
   * rows cost ~3× as much (sync-pipeline.ts reads a file's row when its turn comes).
   */
  hashedHeads(limit: number): Array<{ path: string; md5: string | null }> {
    return this.statements.hashedHeads.all(limit) as Array<{ path: string; md5: string | null }>;
  }

  /**
   * The head of the upload queue as the remote is asked about it (upload/ticket-prefetch.ts): the
   * files of at most `maxSize` bytes that will need a ticket, leaving out touched files whose synced
   * copy answers for them.
   */
  ticketQueue(limit: number, maxSize: number): LocalFile[] {
    return (this.statements.ticketQueue.all({ limit, maxSize }) as Row[]).map(fromRow);
  }

  /** Sizes of every file waiting to be hashed or uploaded (progress totals). */
  queuedSizes(): Array<{ path: string; size: number }> {
    return this.statements.queuedSizes.all() as Array<{ path: string; size: number }>;
  }

  inState(state: FileSyncState, limit: number): LocalFile[] {
    return (this.statements.byState.all(state, limit) as Row[]).map(fromRow);
  }

  /**
   * Files waiting to retry a local problem (unreadable, still being written) are due now: a new run
   * is the moment to look again, since the user may have fixed what stopped them.
   */
  retryLocalProblemsNow(now: number): number {
    return this.statements.retryLocalNow.run({ now }).changes;
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

  /** Files that are not synced (failed, waiting to retry, in conflict or left so), ignored ones last. */
  notSynced(limit: number): LocalFile[] {
    return (this.statements.notSynced.all(limit) as Row[]).map(fromRow);
  }

  /** How many files are not synced, by state, reason and category (not-synced.ts classifies them). */
  notSyncedGroups(): Array<{
    state: FileSyncState;
    reason: string | null;
    category: ErrorCategory | null;
    n: number;
  }> {
    return this.statements.notSyncedGroups.all() as Array<{
      state: FileSyncState;
      reason: string | null;
      category: ErrorCategory | null;
      n: number;
    }>;
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
      ignored: 0,
      deleted: 0,
    };
    for (const { state, n } of this.statements.counts.all() as Array<{ state: FileSyncState; n: number }>) {
      if (state !== 'deleted') counts.total += n;
      if (state === 'synced') counts.synced += n;
      else if (state === 'pending' || state === 'hashed' || state === 'retrying') counts.pending += n;
      else if (state === 'uploading') counts.uploading += n;
      else if (state === 'failed') counts.failed += n;
      else if (state === 'conflict') counts.conflict += n;
      else if (state === 'ignored') counts.ignored += n;
      else if (state === 'deleted') counts.deleted += n;
    }
    return counts;
  }

  /**
   * Files that disappeared since `since` whose remote copy mirrored deletions would delete, and that
   * did not reappear elsewhere in the folder (moves).
   */
  recentlyLost(since: number): number {
    return (this.statements.recentlyLost.get({ since }) as { n: number }).n;
  }

  /** The user refused a held mass deletion: those files' remote copies are kept, never deleted. */
  keepRemoteCopies(deletedBefore: number): number {
    return this.statements.keepRemoteCopies.run({ before: deletedBefore }).changes;
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
    syncedSize: row.synced_size,
    syncedRemoteModified: row.synced_remote_modified,
    conflictKind: row.conflict_kind,
    conflictKey: row.conflict_key,
    nameOverride: row.name_override,
    sentKey: row.sent_key,
    lastError: row.last_error,
    errorCategory: row.error_category,
    errorReason: row.error_reason,
    attempts: row.attempts,
    retryAt: row.retry_at,
    updatedAt: row.updated_at,
  };
}
