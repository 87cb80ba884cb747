/**
 * What the sync engine tells its hosts (CLI, desktop main, web host) and the UI: states, progress,
 * activity, errors and the remote listing. Plain data only, so it crosses any bridge unchanged.
 */

export type ProviderKind = 'local' | 'alloy' | 'composio' | 'openwebui';

/** The state of one local file, as stored and as shown. */
export type FileSyncState =
  | 'pending' // seen changed; waiting to be hashed
  | 'hashed' // hashed; waiting to ask the remote / upload
  | 'uploading'
  | 'synced'
  | 'failed' // a permanent failure for this file (see lastError); retried when the file changes
  | 'retrying' // a transient failure; retried at retryAt
  | 'conflict' // another local path would get the same remote name
  | 'deleted'; // gone locally; the remote copy stays unless deletions are mirrored

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
   * Which standing problem of the pair this is ('auth', 'mass-deletion', 'watch', …), so a UI can
   * offer the action that fits; set on problems in status() and 'problem' events.
   */
  id?: string;
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
  deleted: number;
}

export interface SyncStatus {
  state: EngineState;
  folder: string;
  provider: ProviderKind;
  remoteLabel: string;
  counts: FileCounts;
  progress: SyncProgress;
  lastSyncAt: number | null;
  lastRemoteRefreshAt: number | null;
  /** Conditions that need the user: auth failure, watching fell back to rescans, refused mass deletion. */
  problems: SyncErrorInfo[];
  paused: boolean;
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
}

export const DEFAULT_PAIR_SETTINGS: PairSettings = {
  mirrorDeletions: false,
  concurrency: 4,
  bandwidthLimit: 0,
  refreshIntervalSeconds: 300,
};
