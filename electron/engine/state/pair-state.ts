import type { PairSettings } from '../../../shared/sync-types.js';
import { ActivityLog } from './activity-log.js';
import { ActivityPages } from './activity-page.js';
import { LocalFiles } from './local-files.js';
import { MultipartRecords } from './multipart-records.js';
import { PartHashes } from './part-hashes.js';
import { PairSettingsStore } from './pair-settings.js';
import { RemoteBrowse } from './remote-browse.js';
import { RemoteMirror } from './remote-mirror.js';
import { guardDb } from './guarded-db.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { listProcessingFailures, type ProcessingFailure } from './remote-processing.js';
import { cacheKibOf, openStateDb, setCacheKib } from './state-db.js';
import type { SyncError } from '../sync-error.js';
import { stateFailure } from './state-failure.js';

/** Everything one sync pair keeps in its SQLite file. */
export interface PairState {
  /** The SQLite file, for messages that must say where the state is. */
  readonly file: string;
  /**
   * The first SQLite error any part met since open, worded for the user (state-failure.ts): after
   * one, the state is no longer trusted and the run stops. Null while all is well.
   */
  readonly failure: SyncError | null;
  /** Called once, at the first SQLite error. */
  onFailure(listener: (failure: SyncError) => void): void;
  /** Runs `work` in one transaction: the only way in, so no caller holds the raw DB handle. */
  transaction<T>(work: () => T): T;
  /**
   * From now on, writes are committed in groups (group-commit.ts): the engine turns this on for its
   * run; every other user of a pair's state commits each write at once.
   */
  groupCommits(options?: GroupCommitOptions): void;
  /**
   * Resolves once everything written until now is committed (at once when nothing waits): asked
   * before anything is changed on the remote. Rejects after a SQLite error.
   */
  committed(): Promise<void>;
  /**
   * The uploader's word that what a send of `path` needs is written (its sending mark): that send
   * then waits for the writes until here only (`committedForSend`), not for all written since.
   */
  readyToSend(path: string): void;
  /**
   * Resolves once what a send of `path` needs is committed: the writes until its `readyToSend`, or,
   * without one, everything written until now. Rejects after a SQLite error.
   */
  committedForSend(path: string): Promise<void>;
  /** Commits what waits now (a run ends, the engine stops). */
  commitNow(): void;
  /** The connection's page cache in KiB from now on: the app divides one budget among its folders. */
  setCacheKib(kib: number): void;
  /** The connection's page cache in KiB now (SQLite's `cache_size`). */
  cacheKib(): number;
  files: LocalFiles;
  mirror: RemoteMirror;
  /** Large files' uploads in parts under way (issue 19). */
  multipart: MultipartRecords;
  /** The MD5s of large files' parts, from the hasher's read, kept for their uploads in parts (issue 19). */
  partHashes: PartHashes;
  activity: ActivityLog;
  settings: PairSettingsStore;
  /** The UI's read-only views: the remote list filtered and joined with local state, activity pages. */
  browse: RemoteBrowse;
  activityPages: ActivityPages;
  /** This folder's files the remote stored but could not process (remote-processing.ts). */
  processingFailures(remoteLabel: string, limit?: number): ProcessingFailure[];
  close(): void;
}

export function openPairState(
  file: string,
  options: {
    onSettingsWritten?: (stored: Partial<PairSettings>) => void;
    /**
     * SQLite's quick_check at open (the default): a sync must not act on a damaged state. A quick look
     * (`hoist status`, the list of a pair another process syncs) skips it: it reads the whole file.
     */
    quickCheck?: boolean;
    /** The page cache in KiB (state-cache-budget.ts); SQLite's default (2,000) without it. */
    cacheKib?: number;
  } = {},
): PairState {
  let failure: SyncError | null = null;
  const listeners: Array<(failure: SyncError) => void> = [];
  const onSqliteError = (error: Error): void => {
    group.fail(error);
    if (failure !== null) return;
    failure = stateFailure(file, error);
    for (const listener of listeners) listener(failure);
  };
  const raw = openStateDb(file, {
    quickCheck: options.quickCheck ?? true,
    ...(options.cacheKib !== undefined ? { cacheKib: options.cacheKib } : {}),
  });
  const group = new GroupCommit(raw, onSqliteError);
  const db = guardDb(raw, onSqliteError, {
    beforeWrite: () => group.beforeWrite(),
    inTransaction: (work) => group.inTransaction(work),
  });
  // Settings are also written to pair.json (the record a rebuilt state restores them from): the DB
  // has them first, committed, so the record never runs ahead of it.
  const sendMarks = new Map<string, number>();
  const onSettingsWritten = options.onSettingsWritten;
  const settings = new PairSettingsStore(
    db,
    onSettingsWritten &&
      ((stored) => {
        group.commitNow();
        onSettingsWritten(stored);
      }),
  );
  return {
    file,
    get failure() {
      return failure;
    },
    onFailure: (listener) => listeners.push(listener),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
    groupCommits: (groupOptions) => group.start(groupOptions),
    committed: () => group.committed(),
    readyToSend: (path) => sendMarks.set(path, group.mark()),
    committedForSend: (path) => {
      const mark = sendMarks.get(path);
      if (mark === undefined) return group.committed();
      sendMarks.delete(path);
      return group.committedThrough(mark);
    },
    commitNow: () => group.commitNow(),
    setCacheKib: (kib) => {
      // Another folder's open or close re-divides the budget; this one may have closed meanwhile.
      if (raw.open) setCacheKib(raw, kib);
    },
    cacheKib: () => cacheKibOf(raw),
    files: new LocalFiles(db),
    mirror: new RemoteMirror(db, settings),
    multipart: new MultipartRecords(db),
    partHashes: new PartHashes(db),
    activity: new ActivityLog(db),
    settings,
    browse: new RemoteBrowse(db),
    activityPages: new ActivityPages(db),
    processingFailures: (remoteLabel, limit) => listProcessingFailures(db, remoteLabel, limit),
    close: () => {
      group.commitNow();
      db.close();
    },
  };
}
