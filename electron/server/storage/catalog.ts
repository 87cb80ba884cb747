// Past 300 lines on purpose: every statement of the server's catalog, prepared once, beside the
// transaction rules they share (one commit per stored, replaced or removed object).
import { openSqlite } from '../../base/sqlite.js';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StatementCache } from '../../base/statement-cache.js';

/** Which dialect an object belongs to; each keeps its own key space. */
export type Namespace = 'alloy' | 'composio' | 'owui';

export interface StoredObject {
  ns: Namespace;
  key: string;
  owner: string;
  filename: string;
  size: number;
  md5: string;
  sha256: string | null;
  contentType: string;
  createdAt: number;
  updatedAt: number;
  /** Where the bytes are in the blob store (the fs store names versions; S3 uses the object key). */
  blob: string;
  meta: Record<string, unknown>;
}

/** An upload the server handed a direct-to-S3 URL for and has not yet seen land. */
export interface PendingUpload {
  ns: Namespace;
  key: string;
  md5: string;
  owner: string;
  filename: string;
  contentType: string;
  meta: Record<string, unknown>;
  requestedAt: number;
}

export interface UpsertResult {
  replacedBlob: string | null;
  createdAt: number;
}

export interface ListQuery {
  ns: Namespace;
  /** Omit to list every owner's objects (the Open WebUI admin view). */
  owner?: string;
  keyPrefix?: string;
  metaEquals?: Record<string, string>;
  offset?: number;
  limit?: number;
}

interface ObjectRow {
  ns: Namespace;
  key: string;
  owner: string;
  filename: string;
  size: number;
  md5: string;
  sha256: string | null;
  content_type: string;
  created_at: number;
  updated_at: number;
  blob: string;
  meta: string;
}

interface PendingRow {
  ns: Namespace;
  key: string;
  md5: string;
  owner: string;
  filename: string;
  content_type: string;
  meta: string;
  requested_at: number;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE objects (
     ns TEXT NOT NULL, key TEXT NOT NULL, owner TEXT NOT NULL, filename TEXT NOT NULL,
     size INTEGER NOT NULL, md5 TEXT NOT NULL, sha256 TEXT, content_type TEXT NOT NULL,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, blob TEXT NOT NULL,
     meta TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (ns, key)
   ) WITHOUT ROWID;
   CREATE INDEX objects_by_owner ON objects (ns, owner, key);
   CREATE TABLE pending_uploads (
     ns TEXT NOT NULL, key TEXT NOT NULL, md5 TEXT NOT NULL, owner TEXT NOT NULL,
     filename TEXT NOT NULL, content_type TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}',
     requested_at INTEGER NOT NULL,
     PRIMARY KEY (ns, key, md5)
   ) WITHOUT ROWID;`,
  // Listing versions (see listingVersion): a counter per owner's key space, bumped in the transaction
  // that changes it, and a random id for this catalog, so a recreated data dir never repeats a version.
  `CREATE TABLE listing_generations (
     ns TEXT NOT NULL, owner TEXT NOT NULL, generation INTEGER NOT NULL,
     PRIMARY KEY (ns, owner)
   ) WITHOUT ROWID;
   CREATE TABLE catalog_facts (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   INSERT INTO catalog_facts (name, value) VALUES ('instance', lower(hex(randomblob(16))));`,
  // Multipart uploads in progress (multipart-records.ts): kept here so they survive a restart and an
  // upload resumes from the parts already stored. Parts are rows only on the fs backend (on S3 the
  // bucket lists them).
  `CREATE TABLE multipart_uploads (
     upload_id TEXT PRIMARY KEY, ns TEXT NOT NULL, key TEXT NOT NULL, owner TEXT NOT NULL,
     filename TEXT NOT NULL, content_type TEXT NOT NULL, md5 TEXT NOT NULL, size INTEGER NOT NULL,
     part_size INTEGER NOT NULL, part_count INTEGER NOT NULL, backend_id TEXT NOT NULL,
     meta TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL, touched_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX multipart_by_key ON multipart_uploads (ns, key);
   CREATE INDEX multipart_by_touch ON multipart_uploads (touched_at);
   CREATE TABLE multipart_parts (
     upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, md5 TEXT NOT NULL, size INTEGER NOT NULL,
     stored_at INTEGER NOT NULL,
     PRIMARY KEY (upload_id, part_number)
   ) WITHOUT ROWID;`,
];

/**
 * The server's metadata: one row per stored object. The fs store treats it as the truth; with S3 the
 * bytes land behind the server's back, so requested uploads wait in `pending_uploads` until a HEAD or
 * LIST shows them (see storage-core.ts).
 */
export class Catalog {
  private readonly db: Database.Database;
  /** Prepared once per SQL text: preparing costs more than running these small statements. */
  private readonly sql: StatementCache;
  private readonly durable: boolean;
  // One wrapper for every transaction: db.transaction() prepares BEGIN/COMMIT each time it is called.
  private readonly runInTransaction: (work: () => unknown) => unknown;

  constructor(file: string, options: { durable: boolean }) {
    this.db = openSqlite(file);
    this.sql = new StatementCache(this.db);
    this.db.pragma('journal_mode = WAL');
    // NORMAL: every commit survives a process crash; a power cut may lose the last few. That only
    // loses data where a commit is followed by deleting something, so those commits (a replaced or
    // removed object, with durability on) are made FULL one by one: see `durably`.
    this.db.pragma('synchronous = NORMAL');
    this.durable = options.durable;
    this.runInTransaction = this.db.transaction((work: () => unknown) => work());
    this.migrate();
  }

  /**
   * Runs `work` in a transaction whose commit is on disk before it returns, when the caller is about
   * to delete the blob the commit stops referencing: after a power cut, no row may point at it.
   */
  private durably<T>(needed: boolean, work: () => T): T {
    if (!needed || !this.durable) return this.transaction(work);
    this.db.pragma('synchronous = FULL');
    try {
      return this.transaction(work);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let next = version; next < MIGRATIONS.length; next++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[next] as string);
        this.db.pragma(`user_version = ${next + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  /** The connection, for the multipart records that share this database and its migrations. */
  get connection(): Database.Database {
    return this.db;
  }

  get(ns: Namespace, key: string): StoredObject | null {
    const row = this.sql.get('SELECT * FROM objects WHERE ns = ? AND key = ?').get(ns, key) as
      ObjectRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Inserts or replaces an object; returns the blob of the version it replaced, if any. */
  upsert(object: StoredObject): string | null {
    const replacing = this.get(object.ns, object.key);
    return this.durably(
      replacing !== null && replacing.blob !== object.blob,
      () => this.upsertRow(object).replacedBlob,
    );
  }

  /**
   * Inserts or replaces many objects in one transaction, on disk before it returns when durability
   * is on: the group commit of concurrent uploads (group-commit.ts), one WAL sync for all of them.
   * Returns, per object, the blob of the version it replaced, if any, and its creation time (kept
   * from the version it replaced).
   */
  upsertMany(objects: readonly StoredObject[]): UpsertResult[] {
    return this.durably(true, () => objects.map((object) => this.upsertRow(object)));
  }

  private upsertRow(object: StoredObject): UpsertResult {
    const previous = this.get(object.ns, object.key);
    this.sql
      .get(
        `INSERT INTO objects (ns, key, owner, filename, size, md5, sha256, content_type, created_at, updated_at, blob, meta)
         VALUES (@ns, @key, @owner, @filename, @size, @md5, @sha256, @contentType, @createdAt, @updatedAt, @blob, @meta)
         ON CONFLICT (ns, key) DO UPDATE SET owner = excluded.owner, filename = excluded.filename,
           size = excluded.size, md5 = excluded.md5, sha256 = excluded.sha256,
           content_type = excluded.content_type, updated_at = excluded.updated_at,
           blob = excluded.blob, meta = excluded.meta`,
      )
      .run({
        ...object,
        createdAt: previous?.createdAt ?? object.createdAt,
        meta: JSON.stringify(object.meta),
      });
    this.bumpGeneration(object.ns, object.owner);
    if (previous && previous.owner !== object.owner) this.bumpGeneration(previous.ns, previous.owner);
    return {
      replacedBlob: previous && previous.blob !== object.blob ? previous.blob : null,
      createdAt: previous?.createdAt ?? object.createdAt,
    };
  }

  /** Removes an object; returns it (with its blob, so the caller can free the bytes) or null. */
  remove(ns: Namespace, key: string): StoredObject | null {
    return this.durably(true, () => {
      const previous = this.get(ns, key);
      if (previous) {
        this.sql.get('DELETE FROM objects WHERE ns = ? AND key = ?').run(ns, key);
        this.bumpGeneration(ns, previous.owner);
      }
      return previous;
    });
  }

  /**
   * A tag that changes whenever any object of `owner` in `ns` is stored, replaced or removed: what a
   * listing of those objects may be cached under (an HTTP ETag). It names the catalog instance, the
   * owner and the owner's generation, hashed, so two owners or two data dirs never share a tag.
   */
  listingVersion(ns: Namespace, owner: string): string {
    const instance = this.sql
      .get(`SELECT value FROM catalog_facts WHERE name = 'instance'`)
      .pluck()
      .get() as string;
    const generation =
      (this.sql
        .get('SELECT generation FROM listing_generations WHERE ns = ? AND owner = ?')
        .pluck()
        .get(ns, owner) as number | undefined) ?? 0;
    return createHash('sha256')
      .update(JSON.stringify([instance, ns, owner, generation]))
      .digest('base64url')
      .slice(0, 32);
  }

  private bumpGeneration(ns: Namespace, owner: string): void {
    this.sql
      .get(
        `INSERT INTO listing_generations (ns, owner, generation) VALUES (?, ?, 1)
       ON CONFLICT (ns, owner) DO UPDATE SET generation = generation + 1`,
      )
      .run(ns, owner);
  }

  list(query: ListQuery): { items: StoredObject[]; total: number } {
    const where: string[] = ['ns = @ns'];
    const params: Record<string, unknown> = { ns: query.ns };
    if (query.owner !== undefined) {
      where.push('owner = @owner');
      params.owner = query.owner;
    }
    if (query.keyPrefix !== undefined && query.keyPrefix !== '') {
      // A range scan on the primary key: [prefix, prefix with its last character incremented).
      // Prefixes end in ASCII ("_" or "/"), so the increment stays one character.
      where.push('key >= @prefixLow AND key < @prefixHigh');
      params.prefixLow = query.keyPrefix;
      params.prefixHigh = nextPrefix(query.keyPrefix);
    }
    for (const [index, [field, value]] of Object.entries(query.metaEquals ?? {}).entries()) {
      where.push(`json_extract(meta, @metaPath${index}) = @metaValue${index}`);
      params[`metaPath${index}`] = `$.${field}`;
      params[`metaValue${index}`] = value;
    }
    const clause = where.join(' AND ');
    const total = (
      this.sql.get(`SELECT count(*) AS n FROM objects WHERE ${clause}`).get(params) as { n: number }
    ).n;
    const page = query.limit !== undefined ? ' LIMIT @limit OFFSET @offset' : '';
    const rows = this.sql.get(`SELECT * FROM objects WHERE ${clause} ORDER BY key${page}`).all({
      ...params,
      limit: query.limit ?? -1,
      offset: query.offset ?? 0,
    }) as ObjectRow[];
    return { items: rows.map(fromRow), total };
  }

  /**
   * One page of an owner's objects in key order, after `afterKey`: the way to walk a listing of any
   * size in constant memory (keyset paging; no statement stays open between pages).
   */
  pageAfter(
    ns: Namespace,
    owner: string,
    keyPrefix: string,
    afterKey: string,
    limit: number,
  ): StoredObject[] {
    const low = afterKey > keyPrefix ? afterKey : keyPrefix;
    const rows = this.sql
      .get(
        `SELECT * FROM objects WHERE ns = @ns AND owner = @owner AND key > @low AND key >= @prefixLow
         AND key < @prefixHigh ORDER BY key LIMIT @limit`,
      )
      .all({ ns, owner, low, prefixLow: keyPrefix, prefixHigh: nextPrefix(keyPrefix), limit }) as ObjectRow[];
    return rows.map(fromRow);
  }

  /** Every blob the catalog references, for sweeping orphans left by a crash. */
  referencedBlobs(): Set<string> {
    const rows = this.db.prepare('SELECT blob FROM objects').pluck().all() as string[];
    return new Set(rows);
  }

  addPending(upload: PendingUpload): void {
    this.sql
      .get(
        `INSERT INTO pending_uploads (ns, key, md5, owner, filename, content_type, meta, requested_at)
         VALUES (@ns, @key, @md5, @owner, @filename, @contentType, @meta, @requestedAt)
         ON CONFLICT (ns, key, md5) DO UPDATE SET content_type = excluded.content_type,
           meta = excluded.meta, requested_at = excluded.requested_at`,
      )
      .run({ ...upload, meta: JSON.stringify(upload.meta) });
  }

  pendingFor(ns: Namespace, key: string): PendingUpload[] {
    const rows = this.sql
      .get('SELECT * FROM pending_uploads WHERE ns = ? AND key = ?')
      .all(ns, key) as PendingRow[];
    return rows.map(fromPendingRow);
  }

  pendingForOwner(ns: Namespace, owner: string): PendingUpload[] {
    const rows = this.sql
      .get('SELECT * FROM pending_uploads WHERE ns = ? AND owner = ?')
      .all(ns, owner) as PendingRow[];
    return rows.map(fromPendingRow);
  }

  removePending(ns: Namespace, key: string, md5?: string): void {
    if (md5 === undefined) this.sql.get('DELETE FROM pending_uploads WHERE ns = ? AND key = ?').run(ns, key);
    else this.sql.get('DELETE FROM pending_uploads WHERE ns = ? AND key = ? AND md5 = ?').run(ns, key, md5);
  }

  removePendingOlderThan(cutoff: number): void {
    this.sql.get('DELETE FROM pending_uploads WHERE requested_at < ?').run(cutoff);
  }

  /** Runs `work` in one transaction (used when a listing commits many landed uploads at once). */
  transaction<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }
}

function nextPrefix(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1) ?? 0;
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

function fromRow(row: ObjectRow): StoredObject {
  return {
    ns: row.ns,
    key: row.key,
    owner: row.owner,
    filename: row.filename,
    size: row.size,
    md5: row.md5,
    sha256: row.sha256,
    contentType: row.content_type,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    blob: row.blob,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
  };
}

function fromPendingRow(row: PendingRow): PendingUpload {
  return {
    ns: row.ns,
    key: row.key,
    md5: row.md5,
    owner: row.owner,
    filename: row.filename,
    contentType: row.content_type,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    requestedAt: row.requested_at,
  };
}
