/**
 * Which standing problem of a pair a SyncErrorInfo is (one of each at a time): what the notification
 * policy, the CLI and the window match on to choose what to say and offer, never the problem's words,
 * which may be reworded. Closed, like SyncErrorReason: a new problem, or a typo where one is matched,
 * is a compile error rather than a match that silently never happens.
 */
export type ProblemId =
  | 'auth' // the remote rejected the token: syncing stopped until it is replaced (Settings)
  | 'mass-deletion' // more than half the folder disappeared at once: deletions held for the person's word
  | 'deletion-unsupported' // local deletions the remote has no way to apply (Composio)
  | 'folder-missing' // the synced folder is gone (unmounted, deleted): nothing changes meanwhile
  | 'watch' // the folder cannot be watched; Hoist falls back to scanning now and then
  | 'remote' // the remote failed a run (down, refused, answered nonsense)
  | 'refresh' // listing the remote failed; the mirror is as it was
  | 'state'; // Hoist's own state DB failed: the run stopped

/** Every ProblemId, for checks of ids that come from outside the type system (a stored or wire value). */
export const PROBLEM_IDS: readonly ProblemId[] = [
  'auth',
  'mass-deletion',
  'deletion-unsupported',
  'folder-missing',
  'watch',
  'remote',
  'refresh',
  'state',
];
