import type { ProblemId } from './problem-id.js';
/**
 * What the sync engine tells its hosts (CLI, desktop main, web host) and the UI: states, progress,
 * activity, errors and the remote listing. Plain data only, so it crosses any bridge unchanged.
 */

import type { NotSyncedCounts } from './not-synced.js';

export type ProviderKind = 'local' | 'alloy' | 'composio' | 'openwebui';

/** The state of one local file, as stored and as shown. */
export type FileSyncState =
  | 'pending' // seen changed; waiting to be hashed
  | 'hashed' // hashed; waiting to ask the remote / upload
  | 'uploading'
  | 'synced'
  | 'failed' // a permanent failure for this file (see lastError); retried when the file changes
  | 'retrying' // a transient failure; retried at retryAt
  | 'conflict' // not uploaded: it would overwrite something that is not ours (see ConflictKind)
  | 'ignored' // a conflict the user chose to leave: the remote keeps the other copy until this file changes
  | 'deleted'; // gone locally; the remote copy stays unless deletions are mirrored

/**
 * Why a file is in conflict:
 * - `same-name`: another file of this folder would be stored under the same remote name;
 * - `name-taken`: the remote already holds a different file under this name that this folder did not
 *   put there (another folder, computer, app or person did);
 * - `replaced-on-remote`: the copy this folder uploaded was replaced there by someone else.
 */
export type ConflictKind = 'same-name' | 'name-taken' | 'replaced-on-remote';

/** What the user can do about a conflict (never chosen for them). */
export type ConflictResolution =
  /** Upload this file under a new name, "README (conflict 2026-12-03 host).md"; the other copy stays. */
  | 'keep-both'
  /** Upload this file over the remote copy: the user's explicit choice. */
  | 'replace'
  /** Leave the remote copy and stop reporting it, until this file changes again. */
  | 'ignore';

/** A conflict with both sides, as the CLI and the UI show it. */
export interface ConflictView {
  path: string;
  kind: ConflictKind;
  /** The remote name this file would be stored under. */
  remoteName: string;
  message: string;
  /** The user chose to leave it (state `ignored`). */
  ignored: boolean;
  local: { size: number; modifiedAt: number };
  /** The remote object in the way; null for `same-name` or when the mirror no longer lists it. */
  remote: {
    key: string;
    size: number | null;
    lastModified: number | null;
    /** Who put it there, when known ("/home/ann/Notes on this computer"); null when unknown. */
    origin: string | null;
  } | null;
  /** For `same-name`: the other local path. */
  otherPath: string | null;
}

/** The whole pair's state. */
export type EngineState =
  'starting' | 'scanning' | 'syncing' | 'idle' | 'paused' | 'offline' | 'auth-failed' | 'stopped';

export type ErrorCategory =
  'auth' | 'network' | 'remote-rejected' | 'local-file' | 'conflict' | 'config' | 'unsupported';

/** A failure a user can act on: the headline says what happened and what to do. */
export interface SyncErrorInfo {
  category: ErrorCategory;
  message: string;
  /** The relative path the error is about, when it is about one file. */
  path?: string;
  retryable: boolean;
  /** Technical detail for the activity log, never the headline. */
  detail?: string;
  /**
   * Which standing problem of the pair this is (shared/problem-id.ts), so a UI can offer the action
   * that fits; set on problems in status() and 'problem' events. Matched on, never the message.
   */
  id?: ProblemId;
}

export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: number | null;
  /** The uploads whose bytes are on the wire now, each with its own progress (at most 16). */
  inFlight?: Array<{ path: string; bytesDone: number; bytesTotal: number }>;
}

export type ActivityKind =
  | 'uploaded'
  | 'already-on-remote'
  | 'deleted-remote'
  | 'deleted-locally'
  | 'failed'
  | 'conflict'
  | 'skipped'
  | 'info'
  | 'warning';

export interface ActivityEntry {
  id: number;
  at: number;
  kind: ActivityKind;
  path: string | null;
  message: string;
}

export interface FileCounts {
  total: number;
  synced: number;
  pending: number;
  uploading: number;
  failed: number;
  conflict: number;
  /** Conflicts the user chose to leave as they are. */
  ignored: number;
  deleted: number;
}

export interface SyncStatus {
  state: EngineState;
  folder: string;
  provider: ProviderKind;
  remoteLabel: string;
  counts: FileCounts;
  /** What is not synced, counted once for every host (shared/not-synced.ts). */
  notSynced: NotSyncedCounts;
  progress: SyncProgress;
  lastSyncAt: number | null;
  lastRemoteRefreshAt: number | null;
  /** Conditions that need the user: auth failure, watching fell back to rescans, refused mass deletion. */
  problems: SyncErrorInfo[];
  paused: boolean;
  /** When a timed pause ends by itself ("Paused until 15:00"); null when paused until resumed. */
  pausedUntil: number | null;
}

export type RemoteOrigin = 'this-folder' | 'elsewhere';

export interface RemoteFileView {
  key: string;
  /** The name on the remote (for this folder's files: the encoded path). */
  name: string;
  /** The local path for this folder's files, or the decoded path for others. */
  displayPath: string;
  size: number | null;
  lastModified: number | null;
  origin: RemoteOrigin;
  /** The local file is gone but its remote copy stays. */
  deletedLocally: boolean;
}

export type RemoteSortField = 'name' | 'size' | 'lastModified';

export interface RemoteListQuery {
  offset?: number;
  limit?: number;
  search?: string;
  sort?: RemoteSortField;
  descending?: boolean;
}

export interface RemoteListPage {
  items: RemoteFileView[];
  total: number;
}

export interface PairSettings {
  /** Apply local deletions to the remote (mass deletions are still refused). */
  mirrorDeletions: boolean;
  /** Uploads in flight at once. */
  concurrency: number;
  /** Bytes per second for uploads; 0 means unlimited. */
  bandwidthLimit: number;
  /** Seconds between remote refreshes and, if watching failed, between rescans. */
  refreshIntervalSeconds: number;
  /**
   * A folder name on the remote that this pair's files go under ("Documents" stores
   * notes/a.md as `Documents∕notes∕a.md`); empty for none. Keeps two folders synced to one account
   * apart.
   */
  remoteFolder: string;
  /** Files of at least this many bytes go up in parts, resumably, where the remote takes parts. */
  multipartThreshold: number;
}

export const DEFAULT_PAIR_SETTINGS: PairSettings = {
  mirrorDeletions: false,
  concurrency: 4,
  bandwidthLimit: 0,
  refreshIntervalSeconds: 300,
  remoteFolder: '',
  multipartThreshold: 100 * 1024 * 1024,
};

/** What applying local deletions to the remote did (mirrored deletions, a confirmed mass deletion). */
export type DeletionOutcome =
  | { kind: 'none' }
  | { kind: 'applied'; deleted: number; failed: number }
  | { kind: 'refused-mass-deletion'; problem: SyncErrorInfo }
  | { kind: 'unsupported'; problem: SyncErrorInfo };

/** One key of a user's "delete from the remote", and how it went, in words. */
export interface RemoteDeleteResult {
  key: string;
  deleted: boolean;
  message: string;
  /** The remote's list has no such key: nothing was sent, and it is not counted as deleted. */
  notFound?: boolean;
}

/** Everything the engine pushes to hosts, emitted only after the DB change it describes has committed. */
export interface EngineEventMap {
  state: [EngineState];
  progress: [SyncProgress];
  activity: [ActivityEntry];
  /** A problem that needs the user (auth, watching fell back to rescans, refused mass deletion). */
  problem: [SyncErrorInfo];
  /** The local file table or the remote mirror changed: views should re-query. */
  changed: [{ local: boolean; remote: boolean }];
}
