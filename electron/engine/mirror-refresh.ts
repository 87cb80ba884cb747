import type { Clock } from './clock.js';
import { decodeRemoteName } from './remote/remote-names.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import { withRetry, type RetryOptions } from './remote/retry.js';
import type { PairState } from './state/pair-state.js';

export interface RefreshOutcome {
  remoteFiles: number;
  added: number;
  removed: number;
  /** Synced local files whose remote copy disappeared; queued to be uploaded again. */
  lost: string[];
}

/**
 * Lists the whole remote (following pages) and replaces the mirror in one transaction. A synced file
 * whose copy vanished from the remote is queued again: the folder is the source of truth.
 */
export async function refreshMirror(
  state: PairState,
  provider: RemoteProvider,
  clock: Clock,
  retry: RetryOptions,
): Promise<RefreshOutcome> {
  const entries = await withRetry(() => provider.list(retry.signal), retry);
  const now = clock.now();
  const outcome = state.db.transaction(() => {
    const { added, removed } = state.mirror.replaceAll(entries, decodeRemoteName, now);
    const lost = state.files.markRemoteLost(now);
    state.settings.setFact('lastRemoteRefreshAt', String(now));
    return { remoteFiles: entries.length, added, removed, lost };
  })();
  return outcome;
}
