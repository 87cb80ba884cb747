import type { ActivityKind, DeletionOutcome } from '../../shared/sync-types.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import { withRetry, type RetryOptions } from './remote/retry.js';
import { isOwnCopy } from './state/local-files.js';
import type { PairState } from './state/pair-state.js';
import { SyncError, toSyncError } from './sync-error.js';

export type { DeletionOutcome } from '../../shared/sync-types.js';

// What disappeared within this window counts toward a mass deletion; a backlog of older ones does not.
const MASS_DELETION_WINDOW_MS = 60_000;
const HELD = 'deletionsHeldBefore';

/**
 * The mass-deletion guard. More than half of the folder's files disappearing within a minute (a
 * folder moved, a disk unmounted, a sync tool gone wrong) is held: none of those remote copies is
 * deleted until the user confirms (`confirm`) or refuses (`refuseHeldDeletions`), however long that
 * takes. Files that reappeared elsewhere in the folder (same content or inode) moved and do not count.
 * Returns the refusal, or null when deletions may go ahead.
 */
function heldDeletions(state: PairState, now: number, confirm: boolean): DeletionOutcome | null {
  const heldBefore = state.settings.fact(HELD);
  if (confirm) {
    state.settings.setFact(HELD, null);
    return null;
  }
  if (heldBefore === null) {
    const lost = state.files.recentlyLost(now - MASS_DELETION_WINDOW_MS);
    const trackedBefore = state.files.trackedCount() + lost;
    if (lost * 2 <= trackedBefore) return null;
    state.settings.setFact(HELD, String(now));
    return refusal(lost, trackedBefore);
  }
  const count = state.files
    .inState('deleted', Number.MAX_SAFE_INTEGER)
    .filter((file) => file.updatedAt <= Number(heldBefore) && file.remoteOwned).length;
  if (count === 0) {
    state.settings.setFact(HELD, null);
    return null;
  }
  return refusal(count, state.files.trackedCount() + count);
}

function refusal(count: number, of: number): DeletionOutcome {
  const problem = new SyncError(
    'local-file',
    `${count} of ${of} files disappeared from the folder within a minute. Hoist did not delete their remote copies, in case the folder was moved or a disk unmounted. Confirm to delete them from the remote, or keep them.`,
    { reason: 'mass-deletion' },
  ).toInfo();
  return { kind: 'refused-mass-deletion', problem };
}

/** The user refused a held mass deletion: those remote copies stay, and the hold is lifted. */
export function refuseHeldDeletions(state: PairState): number {
  const heldBefore = state.settings.fact(HELD);
  if (heldBefore === null) return 0;
  const kept = state.files.keepRemoteCopies(Number(heldBefore));
  state.settings.setFact(HELD, null);
  return kept;
}

/**
 * Applies local deletions to the remote when the user turned mirrored deletions on. A mass deletion —
 * more than half of the tracked files at once, which is what a vanished or unmounted folder looks
 * like — is refused unless confirmed. A remote copy another live file still uses (content dedupe) is
 * kept. Composio cannot delete: that is reported, never faked.
 */
export async function applyMirroredDeletions(options: {
  state: PairState;
  provider: RemoteProvider;
  retry: RetryOptions;
  now: () => number;
  confirmMassDeletion: boolean;
  report: (kind: ActivityKind, path: string | null, message: string, detail?: string) => void;
}): Promise<DeletionOutcome> {
  const { state, provider } = options;
  const deleted = state.files.inState('deleted', Number.MAX_SAFE_INTEGER);
  if (deleted.length === 0) return { kind: 'none' };
  const neverUploaded = deleted.filter((file) => file.remoteKey === null);
  for (const file of neverUploaded) state.files.remove(file.path);
  const withRemote = deleted.filter((file) => file.remoteKey !== null);
  if (withRemote.length === 0) return { kind: 'none' };

  if (!provider.info.canDelete) {
    const problem = new SyncError(
      'unsupported',
      `${provider.info.label} has no way to delete files, so the remote copies of ${withRemote.length} deleted file(s) stay there.`,
    ).toInfo();
    return { kind: 'unsupported', problem };
  }
  const held = heldDeletions(state, options.now(), options.confirmMassDeletion);
  if (held !== null) return held;

  let applied = 0;
  let failed = 0;
  for (const file of withRemote) {
    const key = file.remoteKey as string;
    // Never delete a copy this folder did not put there, or one another live file still uses.
    const copy = state.mirror.copy(key);
    const stillUsed =
      !file.remoteOwned ||
      // Replaced on the remote since this folder uploaded it: that copy is someone else's now.
      (copy !== null && !isOwnCopy(file, copy)) ||
      state.files.withRemoteKey(key).some((other) => other.path !== file.path && other.state !== 'deleted');
    try {
      if (!stillUsed) await withRetry(() => provider.delete(key, options.retry.signal), options.retry);
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      // Already gone is what we wanted.
      if (syncError.status !== 404) {
        failed++;
        options.report(
          'failed',
          file.path,
          `Could not delete the remote copy: ${syncError.message}`,
          syncError.detail,
        );
        if (syncError.category === 'auth') throw syncError;
        continue;
      }
    }
    state.files.transaction(() => {
      state.files.remove(file.path);
      if (!stillUsed) state.mirror.remove(key);
    });
    applied++;
    options.report(
      'deleted-remote',
      file.path,
      stillUsed
        ? 'Deleted locally; its remote copy is kept (another file uses it, or this folder did not upload it)'
        : 'Deleted locally, so its remote copy was deleted',
    );
  }
  return { kind: 'applied', deleted: applied, failed };
}
