import type Database from 'better-sqlite3';
import { StatementCache } from '../../base/statement-cache.js';
import type { Namespace } from './catalog.js';

/** A multipart upload in progress, as the catalog keeps it across restarts. */
export interface MultipartUpload {
  /** Ours: 32 hex characters, what clients name the upload by. */
  uploadId: string;
  ns: Namespace;
  key: string;
  owner: string;
  filename: string;
  contentType: string;
  /** The whole file's MD5 (hex), announced at create. */
  md5: string;
  size: number;
  partSize: number;
  partCount: number;
  /** The blob store's own id for it: S3's UploadId, or the upload id again on the fs backend. */
  backendId: string;
  meta: Record<string, unknown>;
  createdAt: number;
  /** The last request about it; an upload untouched for the expiry time is aborted. */
  touchedAt: number;
}

/** A part the fs backend holds (on S3 the bucket lists its parts). */
export interface StoredPart {
  partNumber: number;
  md5: string;
  size: number;
  storedAt: number;
}

interface UploadRow {
  upload_id: string;
  ns: Namespace;
  key: string;
  owner: string;
  filename: string;
  content_type: string;
  md5: string;
  size: number;
  part_size: number;
  part_count: number;
  backend_id: string;
  meta: string;
  created_at: number;
  touched_at: number;
}

interface PartRow {
  part_number: number;
  md5: string;
  size: number;
  stored_at: number;
}

/** The catalog's multipart tables (created by its migrations; see catalog.ts). */
export class MultipartRecords {
  private readonly sql: StatementCache;

  constructor(db: Database.Database) {
    this.sql = new StatementCache(db);
  }

  add(upload: MultipartUpload): void {
    this.sql
      .get(
        `INSERT INTO multipart_uploads (upload_id, ns, key, owner, filename, content_type, md5, size,
           part_size, part_count, backend_id, meta, created_at, touched_at)
         VALUES (@uploadId, @ns, @key, @owner, @filename, @contentType, @md5, @size, @partSize,
           @partCount, @backendId, @meta, @createdAt, @touchedAt)`,
      )
      .run({ ...upload, meta: JSON.stringify(upload.meta) });
  }

  get(uploadId: string): MultipartUpload | null {
    const row = this.sql.get('SELECT * FROM multipart_uploads WHERE upload_id = ?').get(uploadId) as
      UploadRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** An open upload of exactly this content to this key by this owner, to hand out again. */
  findOpen(
    query: Pick<MultipartUpload, 'ns' | 'key' | 'owner' | 'md5' | 'size' | 'partSize'>,
  ): MultipartUpload | null {
    const row = this.sql
      .get(
        `SELECT * FROM multipart_uploads WHERE ns = @ns AND key = @key AND owner = @owner AND md5 = @md5
         AND size = @size AND part_size = @partSize ORDER BY created_at DESC LIMIT 1`,
      )
      .get(query) as UploadRow | undefined;
    return row ? fromRow(row) : null;
  }

  touch(uploadId: string, at: number): void {
    this.sql.get('UPDATE multipart_uploads SET touched_at = ? WHERE upload_id = ?').run(at, uploadId);
  }

  /** Removes the upload and its part rows; true when it existed. */
  remove(uploadId: string): boolean {
    this.sql.get('DELETE FROM multipart_parts WHERE upload_id = ?').run(uploadId);
    return this.sql.get('DELETE FROM multipart_uploads WHERE upload_id = ?').run(uploadId).changes > 0;
  }

  untouchedSince(cutoff: number): MultipartUpload[] {
    const rows = this.sql
      .get('SELECT * FROM multipart_uploads WHERE touched_at < ? ORDER BY touched_at')
      .all(cutoff) as UploadRow[];
    return rows.map(fromRow);
  }

  all(): MultipartUpload[] {
    return (this.sql.get('SELECT * FROM multipart_uploads').all() as UploadRow[]).map(fromRow);
  }

  putPart(uploadId: string, part: StoredPart): void {
    this.sql
      .get(
        `INSERT INTO multipart_parts (upload_id, part_number, md5, size, stored_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET md5 = excluded.md5, size = excluded.size,
           stored_at = excluded.stored_at`,
      )
      .run(uploadId, part.partNumber, part.md5, part.size, part.storedAt);
  }

  parts(uploadId: string): StoredPart[] {
    const rows = this.sql
      .get('SELECT * FROM multipart_parts WHERE upload_id = ? ORDER BY part_number')
      .all(uploadId) as PartRow[];
    return rows.map((row) => ({
      partNumber: row.part_number,
      md5: row.md5,
      size: row.size,
      storedAt: row.stored_at,
    }));
  }
}

function fromRow(row: UploadRow): MultipartUpload {
  return {
    uploadId: row.upload_id,
    ns: row.ns,
    key: row.key,
    owner: row.owner,
    filename: row.filename,
    contentType: row.content_type,
    md5: row.md5,
    size: row.size,
    partSize: row.part_size,
    partCount: row.part_count,
    backendId: row.backend_id,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    createdAt: row.created_at,
    touchedAt: row.touched_at,
  };
}
