import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';

/** A large file's upload in parts, as the state DB keeps it between runs. */
export interface MultipartRecord {
  path: string;
  uploadId: string;
  key: string;
  /** The whole file's MD5 the upload was opened for: another MD5 means the file changed since. */
  md5: string;
  size: number;
  partSize: number;
  partCount: number;
}

/**
 * The multipart uploads under way and the parts the remote confirmed (issue 19). The upload id is
 * written before any part is sent (the engine's provider waits for it to be committed), so a crash
 * never leaves an upload with parts that no run can find again; the remote's own list of parts is what
 * a resume trusts, these rows say what this folder knew when it stopped.
 */
export class MultipartRecords {
  private readonly sql: StatementCache;

  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  get(path: string): MultipartRecord | null {
    const row = this.sql
      .get(
        `SELECT path, upload_id AS uploadId, remote_key AS key, md5, size, part_size AS partSize,
           part_count AS partCount FROM multipart_uploads WHERE path = ?`,
      )
      .get(path) as MultipartRecord | undefined;
    return row ?? null;
  }

  /** A new upload for `record.path`: replaces any earlier record and its parts. */
  begin(record: MultipartRecord): void {
    this.db.transaction(() => {
      this.sql.get('DELETE FROM multipart_parts WHERE path = ?').run(record.path);
      this.sql
        .get(
          `INSERT OR REPLACE INTO multipart_uploads
             (path, upload_id, remote_key, md5, size, part_size, part_count)
           VALUES (@path, @uploadId, @key, @md5, @size, @partSize, @partCount)`,
        )
        .run(record);
    })();
  }

  /** A part the remote confirmed (its ETag, the part's MD5). */
  partStored(path: string, partNumber: number, md5Hex: string): void {
    this.sql
      .get('INSERT OR REPLACE INTO multipart_parts (path, part_number, md5) VALUES (?, ?, ?)')
      .run(path, partNumber, md5Hex);
  }

  /** The parts recorded as confirmed, in order. */
  parts(path: string): Array<{ partNumber: number; md5Hex: string }> {
    return this.sql
      .get(
        'SELECT part_number AS partNumber, md5 AS md5Hex FROM multipart_parts WHERE path = ? ORDER BY part_number',
      )
      .all(path) as Array<{ partNumber: number; md5Hex: string }>;
  }

  /** The upload is over (completed, aborted, gone): its record and parts go. */
  forget(path: string): void {
    this.db.transaction(() => {
      this.sql.get('DELETE FROM multipart_parts WHERE path = ?').run(path);
      this.sql.get('DELETE FROM multipart_uploads WHERE path = ?').run(path);
    })();
  }
}
