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
  /**
   * The state DB failed during the run (damaged, or its disk full): the run stopped there, and this
   * says which file or folder and what to do (state-failure.ts). Null when it held.
   */
  stateFailure: SyncErrorInfo | null;
  /** Folder entries that could not be read (a subfolder without permission): nothing in them synced. */
  unreadable: Array<{ path: string; message: string }>;
  /** `stop` was called (a signal): the run ended early, its uploads in flight back in the queue. */
  stopped: boolean;
  /**
   * The run reached its time limit and was stopped (as by `stop`, so `stopped` is true too): the
   * limit, and what it was still waiting on the remote for then, one line each.
   */
  timeLimit: { limitMs: number; waitingOn: string[] } | null;
}

/**
 * What one run did, counted per file, not per event: a file uploaded, then found "already there"
 * after its copy went missing, is one upload; one the remote then does not list is none.
 */
export class RunTally {
  private readonly uploaded = new Map<string, number>();
  private readonly existing = new Set<string>();

  uploadedFile(path: string, bytes: number): void {
    this.existing.delete(path);
    this.uploaded.set(path, bytes);
  }

  foundOnRemote(path: string): void {
    if (!this.uploaded.has(path)) this.existing.add(path);
  }

  /** The remote does not show it after all: neither uploaded nor already there. */
  notConfirmed(path: string): void {
    this.uploaded.delete(path);
    this.existing.delete(path);
  }

  get counts(): Pick<OnceSummary, 'uploaded' | 'alreadyOnRemote' | 'bytesUploaded'> {
    let bytes = 0;
    for (const sent of this.uploaded.values()) bytes += sent;
    return { uploaded: this.uploaded.size, alreadyOnRemote: this.existing.size, bytesUploaded: bytes };
  }
}
