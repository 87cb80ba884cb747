import type { Db } from './state-db.js';
import type { StatKey } from './local-files.js';
import { StatementCache } from '../../base/statement-cache.js';
import type { PartDigests } from '../hash/hash-protocol.js';

const MD5_BYTES = 16;

/**
 * The MD5 of each part of a large file, as the hasher computed them in its one read of the file
 * (issue 19), kept for its upload in parts: the uploader signs each part's URL with them and never
 * reads the file to hash a part, also when it resumes after a restart. A row holds only for the
 * stat, whole-file MD5 and part size it was computed with; anything else is a miss, and the
 * uploader has the hasher's worker read the file again (multipart-uploader.ts).
 */
export class PartHashes {
  private readonly sql: StatementCache;

  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  /** Replaces what was kept for `path`. */
  keep(path: string, stat: StatKey, md5: string, parts: PartDigests): void {
    const blob = Buffer.alloc(parts.md5s.length * MD5_BYTES);
    parts.md5s.forEach((hex, index) => blob.write(hex, index * MD5_BYTES, MD5_BYTES, 'hex'));
    this.sql
      .get(
        `INSERT OR REPLACE INTO part_hashes (path, size, mtime_ms, inode, md5, part_size, part_md5s)
         VALUES (@path, @size, @mtimeMs, @inode, @md5, @partSize, @blob)`,
      )
      .run({ path, ...stat, md5, partSize: parts.partBytes, blob });
  }

  /** The parts' MD5s (hex, part 1 first) kept for exactly this version of the file and part size; else null. */
  get(path: string, stat: StatKey, md5: string, partBytes: number): string[] | null {
    const row = this.sql
      .get(
        `SELECT part_md5s AS blob FROM part_hashes WHERE path = @path AND size = @size AND mtime_ms = @mtimeMs
           AND inode = @inode AND md5 = @md5 AND part_size = @partBytes`,
      )
      .get({ path, ...stat, md5, partBytes }) as { blob: Buffer } | undefined;
    if (row === undefined) return null;
    const count = Math.ceil(stat.size / partBytes);
    if (row.blob.length !== count * MD5_BYTES) return null;
    return Array.from({ length: count }, (_, index) =>
      row.blob.toString('hex', index * MD5_BYTES, (index + 1) * MD5_BYTES),
    );
  }

  forget(path: string): void {
    this.sql.get('DELETE FROM part_hashes WHERE path = ?').run(path);
  }

  /**
   * Drops the rows no upload will use: the file is gone, synced, or hashed again to other content
   * (a file deleted while waiting for its upload would otherwise keep its row for good).
   */
  prune(): void {
    this.sql
      .get(
        `DELETE FROM part_hashes WHERE NOT EXISTS (SELECT 1 FROM local_files l WHERE l.path = part_hashes.path
           AND l.md5 = part_hashes.md5 AND l.state NOT IN ('synced', 'deleted'))`,
      )
      .run();
  }
}
