import type { DeletionOutcomeView, DeletionProgressView } from '../../shared/bridge/contract.js';
import type { RemoteSelection } from '../../shared/remote-browse.js';
import type { SyncService } from '../engine/sync-service.js';

// Deletes in flight at once: enough to hide round trips, few enough not to get throttled.
const DELETE_CONCURRENCY = 8;

/** The folder a runner deletes for: its service once open, and its `.hoistignore`. */
export interface DeletionTarget {
  service(): Promise<SyncService>;
  addToIgnore(paths: readonly string[]): Promise<number>;
}

/**
 * Runs the user's deletions in one folder's remote one batch at a time, cancellable, and reports
 * progress. A path still in the folder can be added to `.hoistignore` first, so it is not uploaded again.
 */
export class RemoteDeletionRunner {
  private running: AbortController | null = null;

  constructor(
    private readonly target: DeletionTarget,
    private readonly onProgress: (progress: DeletionProgressView) => void,
  ) {}

  /** `othersInside`: other folders' remote folders inside this one's (SyncService.browseRemote). */
  async run(
    selection: RemoteSelection,
    addToIgnore: boolean,
    othersInside: readonly string[] = [],
  ): Promise<DeletionOutcomeView> {
    const service = await this.target.service();
    if (this.running) throw new Error('A deletion is already running; wait for it or cancel it');
    const controller = new AbortController();
    this.running = controller;
    try {
      let addedToIgnore = 0;
      if (addToIgnore) {
        const paths = service.remoteSelectionSummary(selection, 'folder', othersInside).stillInFolderPaths;
        addedToIgnore = await this.target.addToIgnore(paths);
        if (addedToIgnore > 0) await service.applyIgnoreRules();
      }
      const outcome = await service.deleteRemoteSelection(
        selection,
        {
          concurrency: DELETE_CONCURRENCY,
          signal: controller.signal,
          onProgress: (progress) => this.onProgress({ ...progress, finished: false }),
        },
        othersInside,
      );
      const failures = outcome.results
        .filter((result) => !result.deleted)
        .map((result) => ({ path: result.key, message: result.message }));
      const deleted = outcome.results.length - failures.length;
      this.onProgress({
        done: outcome.results.length,
        total: outcome.results.length + outcome.notTried,
        deleted,
        failed: failures.length,
        finished: true,
      });
      return { deleted, failures, cancelled: outcome.cancelled, notTried: outcome.notTried, addedToIgnore };
    } finally {
      this.running = null;
    }
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }
}
