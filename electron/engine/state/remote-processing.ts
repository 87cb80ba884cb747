import type { Db } from './state-db.js';

/**
 * A file this folder uploaded whose processing on the remote failed: Open WebUI stored it but could
 * not read text from it, so the AI cannot use it. The upload itself worked, so the file's own state
 * stays `synced`; this is the other half of "not usable yet", read from the mirror.
 */
export interface ProcessingFailure {
  /** The local path, relative to the folder. */
  path: string;
  /** The remote copy's key. */
  key: string;
  /** For people: "Open WebUI could not read text from docs/scan.pdf: <the remote's reason>". */
  message: string;
  /** The remote's own reason, or null when it gave none. */
  reason: string | null;
}

/**
 * Every file of this folder (not deleted here) whose remote copy's processing failed, by path. The
 * partial index `remote_files_by_processing` holds only unfinished and failed rows, so this costs
 * nothing on a remote where everything was read.
 */
export function listProcessingFailures(db: Db, remoteLabel: string, limit = 1000): ProcessingFailure[] {
  const rows = db
    .prepare(
      `SELECT l.path AS path, r.key AS key, r.processing_error AS reason
       FROM remote_files r JOIN local_files l ON l.remote_key = r.key
       WHERE r.processing = 'failed' AND l.state <> 'deleted'
       ORDER BY l.path LIMIT ?`,
    )
    .all(limit) as Array<{ path: string; key: string; reason: string | null }>;
  return rows.map((row) => ({
    ...row,
    message: `${remoteLabel} could not read text from ${row.path}${row.reason ? `: ${row.reason}` : ''}`,
  }));
}
