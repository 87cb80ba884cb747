import type { ActivityKind } from '../../shared/sync-types.js';
import type { PairState } from './state/pair-state.js';

// A file the remote accepted but does not list is tried again after this long: a remote whose
// listing lags catches up by then; one whose uploads land where its API does not look would
// otherwise take every byte again at every refresh.
export const UNLISTED_RETRY_MS = 15 * 60_000;

/**
 * Files the remote confirmed since the last listing (uploaded, or found already there), so that a
 * listing right after that does not show them is told apart from a copy someone deleted: it is
 * not "synced" (the remote does not show it), not counted as uploaded, and not sent again at once.
 * Seen with presigned URLs whose store the API does not read: every refresh took every file again,
 * and a `--once` run said "8 uploaded" for 4 files.
 */
export class UnlistedUploads {
  private confirmed = new Set<string>();

  /** The remote confirmed this file's copy (an upload, or "already there"). */
  confirm(path: string): void {
    this.confirmed.add(path);
  }

  /** A listing starts: what it should show. Give it back with `restore` if the listing fails. */
  take(): Set<string> {
    const taken = this.confirmed;
    this.confirmed = new Set();
    return taken;
  }

  restore(taken: Set<string>): void {
    for (const path of taken) this.confirmed.add(path);
  }

  /**
   * Of the files the listing lost, those it should have shown: set aside to retry later, reported,
   * and returned. The others (copies gone since an earlier run) are left queued, as before.
   */
  setAside(
    state: PairState,
    lost: readonly string[],
    taken: ReadonlySet<string>,
    label: string,
    now: number,
    report: (kind: ActivityKind, path: string, message: string) => void,
  ): string[] {
    const unlisted = lost.filter((path) => taken.has(path));
    const message = `${label} accepted this file but does not list it afterwards, so it is not synced (do its uploads go to a store ${label} does not read?); Hoist will try again in ${UNLISTED_RETRY_MS / 60_000} min or at a later run`;
    for (const path of unlisted) {
      state.files.setState(path, 'retrying', now, {
        message,
        category: 'remote-rejected',
        reason: 'rejected-by-remote',
        retryAt: now + UNLISTED_RETRY_MS,
        attempts: 1,
      });
      report('failed', path, message);
    }
    return unlisted;
  }
}
