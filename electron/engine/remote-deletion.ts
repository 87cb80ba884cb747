import type { RemoteDeleteResult } from '../../shared/sync-types.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { PairState } from './state/pair-state.js';
import { toSyncError } from './sync-error.js';

export type { RemoteDeleteResult } from '../../shared/sync-types.js';

/**
 * Deletes files from the remote on the user's request (the browse window, `hoist rm`), only keys
 * the mirror lists (the rest are reported not found, and counted apart from the deleted). The mirror
 * and local rows follow: a copy of a file deleted locally is forgotten; a file still in the folder is
 * queued to upload again, and the message says so (the folder is the source of truth).
 */
export async function deleteRemoteFiles(
  keys: readonly string[],
  state: PairState,
  provider: RemoteProvider,
  now: () => number,
  signal?: AbortSignal,
): Promise<RemoteDeleteResult[]> {
  const results: RemoteDeleteResult[] = [];
  for (const key of keys) {
    // Checked against the mirror before anything is sent: a key the remote did not list (a typo,
    // `.`, `..`, `a/../b`) would otherwise be "deleted" by a 404 or land on another route.
    if (state.mirror.copy(key) === null) {
      results.push({
        key,
        deleted: false,
        notFound: true,
        message: `No file on ${provider.info.label} has this key (as last listed); nothing was deleted`,
      });
      continue;
    }
    try {
      await provider.delete(key, signal);
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.status !== 404) {
        results.push({ key, deleted: false, message: syncError.message });
        continue;
      }
    }
    let message = 'Deleted from the remote';
    state.files.transaction(() => {
      state.mirror.remove(key);
      for (const file of state.files.withRemoteKey(key)) {
        if (file.state === 'deleted') state.files.remove(file.path);
        else {
          state.files.forgetRemoteCopy(file.path, now());
          message = `Deleted from the remote; “${file.path}” is still in the folder, so Hoist will upload it again (add it to .hoistignore to stop syncing it)`;
        }
      }
    });
    state.activity.add('deleted-remote', null, `${key}: ${message}`, now());
    results.push({ key, deleted: true, message });
  }
  return results;
}
