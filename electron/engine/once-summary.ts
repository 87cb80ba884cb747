import type { ConflictView, FileSyncState, SyncErrorInfo } from '../../shared/sync-types.js';
import type { DeletionOutcome } from './mirrored-deletions.js';

/** What `runOnce` did, for `hoist sync --once` and tests. */
export interface OnceSummary {
  /** Folder entries deliberately not synced (symbolic links, special files), each with why. */
  skipped: Array<{ path: string; message: string }>;
  /** Files the scan saw that were deleted before they could be uploaded, each with why. */
  vanished: Array<{ path: string; message: string }>;
  uploaded: number;
  alreadyOnRemote: number;
  bytesUploaded: number;
  scanned: number;
  /** Files that are not synced, each with its reason (failed, retrying, conflict). */
  unsynced: Array<{ path: string; state: FileSyncState; message: string }>;
  problems: SyncErrorInfo[];
  deletions: DeletionOutcome;
  /** Files not uploaded because they would overwrite what is not ours, with both sides. */
  conflicts: ConflictView[];
  /**
   * The remote could not be used at all (unreachable, not speaking its API, token rejected): the run
   * ended at its first request with this one problem. Category `config` when the address or the
   * provider is wrong, `auth` for the token, `network` otherwise.
   */
  remoteUnusable: SyncErrorInfo | null;
  /** Folder entries that could not be read (a subfolder without permission): nothing in them synced. */
  unreadable: Array<{ path: string; message: string }>;
  /** `stop` was called (a signal): the run ended early, its uploads in flight back in the queue. */
  stopped: boolean;
}
