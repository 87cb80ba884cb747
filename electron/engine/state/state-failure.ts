import { dirname } from 'node:path';
import { SyncError } from '../sync-error.js';

/**
 * What went wrong with a pair's state DB, from SQLite's own code: the file is damaged (its pages do
 * not make a database), the disk under it is full, or SQLite could not use it for another reason
 * (an I/O error, a read-only file system).
 */
export type StateFailureKind = 'damaged' | 'full' | 'unusable';

/** An error thrown by SQLite (better-sqlite3's SqliteError carries SQLite's code, e.g. SQLITE_FULL). */
export function sqliteCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

export function stateFailureKind(code: string): StateFailureKind {
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
  return code === 'SQLITE_FULL' ? 'full' : 'unusable';
}

/**
 * The one message for a state DB SQLite cannot use, naming the file (or, for a full disk, the
 * folder whose disk is full) and what to do. A damaged file is set aside and rebuilt at the next
 * start (host/checked-pair-state.ts), so the advice for it is to run Hoist again.
 */
export function stateFailure(file: string, error: unknown): SyncError {
  const code = sqliteCode(error) ?? 'SQLITE_ERROR';
  const said = error instanceof Error ? error.message : String(error);
  const kind = stateFailureKind(code);
  const message =
    kind === 'full'
      ? `The disk holding Hoist's state folder ${dirname(file)} is full (${said}). Free some space on it, or choose another state folder with --state or HOIST_HOME, and run Hoist again; nothing was deleted on the remote.`
      : kind === 'damaged'
        ? `Hoist's state database ${file} is damaged (${said}). The run stopped; run Hoist again: it sets the damaged file aside and rebuilds the state from the folder and the remote's list.`
        : `Hoist could not use its state database ${file} (${said}). The run stopped; check that its disk is mounted, writable and not full, then run Hoist again.`;
  return new SyncError('local-file', message, {
    reason: kind === 'full' ? 'state-full' : kind === 'damaged' ? 'state-damaged' : 'state-unusable',
    detail: `${code}: ${said}`,
    cause: error,
  });
}
