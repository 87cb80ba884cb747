import { SyncError } from '../sync-error.js';

/** The problem shown when watching fails for good: why, what Hoist does instead, and what helps. */
export function fallbackError(error: NodeJS.ErrnoException, intervalMs: number): SyncError {
  const every = `every ${Math.round(intervalMs / 1000)} seconds`;
  const code = error?.code;
  const message =
    code === 'EMFILE' || code === 'ENFILE'
      ? `Hoist cannot watch this folder for changes (too many files are open on this computer), so it rescans ${every} instead. Closing other apps and restarting Hoist lets it watch in real time again.`
      : code === 'EPERM' || code === 'EACCES'
        ? `Hoist cannot watch this folder for changes (permission denied), so it rescans ${every} instead. Check that your account can open the folder.`
        : `Hoist cannot watch this folder for changes (the system's limit on watched folders was reached), so it rescans ${every} instead. To watch in real time, raise fs.inotify.max_user_watches.`;
  return new SyncError('local-file', message, {
    retryable: false,
    detail: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}
