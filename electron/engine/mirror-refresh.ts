import type { Clock } from '../base/clock.js';
import { decodeRemoteName } from './remote/remote-names.js';
import type { ListingResult, RemoteEntry, RemoteProvider } from './remote/remote-provider.js';
import { withRetry, type RetryOptions } from './remote/retry.js';
import type { PairState } from './state/pair-state.js';
import { conflictWith } from './upload/ownership-guard.js';

export interface RefreshOutcome {
  /** Files the listing held; null when the remote said unchanged (the mirror's count stands). */
  remoteFiles: number | null;
  added: number;
  removed: number;
  /** Synced local files whose remote copy disappeared; queued to be uploaded again. */
  lost: string[];
  /** Synced local files whose remote copy someone replaced: now conflicts, never overwritten. */
  replaced: string[];
  /** Files in conflict whose remote object is gone: queued to upload. */
  released: string[];
  /** The remote said the listing the mirror holds is still current; nothing was listed. */
  unchanged: boolean;
}

/**
 * Lists the whole remote (following pages) and replaces the mirror in one transaction; or, where the
 * remote versions its listings, asks first whether the one the mirror holds is still current. A
 * synced file whose copy is not in the mirror is queued again: the folder is the source of truth.
 *
 * The listing is never held whole: each batch is staged as it arrives (staged-listing.ts), in its
 * own short transaction, and only the final transaction touches the mirror. A listing that fails or
 * is aborted partway leaves the mirror as it was; a retry starts the listing over (the remote may
 * have changed between two halves of one).
 */
export async function refreshMirror(
  state: PairState,
  provider: RemoteProvider,
  clock: Clock,
  retry: RetryOptions,
): Promise<RefreshOutcome> {
  const known = state.mirror.listingVersion();
  // What the engine records after this stamp (its uploads) is newer than anything the listing says,
  // what it recorded before is in it (its PUT had ended). The stamp orders the two exactly, even
  // within one millisecond (RemoteMirror.listingStartsNow): a margin of a millisecond either way
  // either dropped an upload's row (its copy then stayed on the remote after the file was deleted)
  // or kept one the listing held as it is, which dropped the listing's version for nothing.
  const listedSince = state.mirror.listingStartsNow(clock.now());
  const { listing, staged } = await withRetry(async () => {
    const staged = state.mirror.beginListing(decodeRemoteName);
    try {
      const onBatch = (entries: RemoteEntry[]): void => staged.add(entries);
      let listing: ListingResult;
      if (provider.listSince) listing = await provider.listSince(known, onBatch, retry.signal);
      else {
        await provider.listInBatches(onBatch, retry.signal);
        listing = { unchanged: false, version: null };
      }
      return { listing, staged };
    } catch (error) {
      staged.discard();
      throw error;
    }
  }, retry);
  try {
    const now = clock.now();
    return state.transaction((): RefreshOutcome => {
      const { added, removed, listed } = listing.unchanged
        ? { added: 0, removed: 0, listed: null }
        : state.mirror.replaceWith(staged, listing.version, listedSince);
      // Not when the listing is unchanged (it costs ~0.2 s at 100,000 files): a file is only ever
      // marked synced against a key the mirror holds (LocalFiles.markSynced, restore), and a key
      // leaves the mirror only in a full refresh, which checks right here, or by an edit that drops
      // the listing version, which makes the next refresh a full one.
      const lost = listing.unchanged ? [] : state.files.markRemoteLost(now);
      // Same reasoning: a replacement on the remote changes the listing, so it is seen in a full one.
      const replaced = listing.unchanged
        ? []
        : state.files.markRemoteReplaced(replacedMessage(state), now, listedSince);
      const released = listing.unchanged ? [] : state.files.releaseVanishedConflicts(now);
      state.settings.setFact('lastRemoteRefreshAt', String(now));
      return { remoteFiles: listed, added, removed, lost, replaced, released, unchanged: listing.unchanged };
    });
  } finally {
    staged.discard();
  }
}

/** The conflict message for a synced file whose copy (`key`) the fresh mirror lists changed. */
function replacedMessage(state: PairState): (path: string, key: string) => string {
  return (path, key) => {
    const file = state.files.get(path);
    const copy = state.mirror.copy(key);
    return file !== null && copy !== null
      ? conflictWith(file, copy).message
      : 'The copy this folder uploaded was replaced on the remote by someone else.';
  };
}
