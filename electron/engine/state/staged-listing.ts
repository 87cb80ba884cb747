import type { RemoteEntry } from '../remote/remote-provider.js';
import type { Db } from './state-db.js';

/**
 * The path people see for a remote name, as stored: null when it is just the name with our folder
 * separator (U+2215, remote-names.ts) read as `/`, which is what displayPathSql computes back. Most
 * names are that, so most rows do not carry their name twice.
 */
export function storedDisplayPath(name: string, displayPath: string): string | null {
  return displayPath === name.replaceAll('\u2215', '/') ? null : displayPath;
}

/**
 * A mirror row's display path in SQL, the row named `table` (an alias) or unqualified: the
 * expression `remote_files_by_path` indexes (migrations.ts), so it must stay exactly this. char(8725)
 * is U+2215.
 */
export function displayPathSql(table?: string): string {
  const column = (name: string): string => (table === undefined ? name : `${table}.${name}`);
  return `coalesce(${column('display_path')}, replace(${column('name')}, char(8725), '/'))`;
}

let nextTable = 0;

/**
 * A full listing on its way into the mirror. Its batches go into a table of SQLite's temp database
 * (a file of this connection's own that vanishes with it, crash included), one short transaction
 * per batch, so other writes of the engine interleave between batches and the state DB never holds
 * two copies of a listing. The mirror itself changes only in `commit`, in one statement set, inside
 * the refresh's transaction: until then readers see the old list, and a listing that fails or is
 * aborted is `discard`ed without having touched it.
 */
export class StagedListing {
  private readonly table = `listing_${++nextTable}`;
  private readonly addBatch: (entries: readonly RemoteEntry[]) => void;
  private open = true;
  private dropped = false;

  constructor(
    private readonly db: Db,
    displayPath: (name: string) => string,
  ) {
    // No index while it fills (appends are cheap); one is built on the key at commit.
    db.exec(
      `CREATE TEMP TABLE ${this.table} (key TEXT NOT NULL, name TEXT NOT NULL, display_path TEXT,
         size INTEGER, last_modified INTEGER, md5 TEXT, sha256 TEXT, processing TEXT,
         processing_error TEXT)`,
    );
    const insert = db.prepare(`INSERT INTO temp.${this.table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.addBatch = db.transaction((entries: readonly RemoteEntry[]) => {
      for (const entry of entries) {
        const display = storedDisplayPath(entry.name, displayPath(entry.name));
        insert.run(
          entry.key,
          entry.name,
          display,
          entry.size,
          entry.lastModified,
          entry.md5,
          entry.sha256,
          entry.processing?.status ?? null,
          entry.processing?.error ?? null,
        );
      }
    });
  }

  /** Stages one batch, in one transaction. */
  add(entries: readonly RemoteEntry[]): void {
    if (!this.open) throw new Error('This listing was already committed or discarded');
    this.addBatch(entries);
  }

  /**
   * Makes the mirror exactly the staged listing, writing only what differs. Call it inside a
   * transaction (its statements must land together), and `discard` after that transaction, however
   * it ended. A key listed twice keeps its last entry. Returns the keys that appeared and
   * disappeared, and how many files the listing held.
   *
   * `seen_at` says as of when a row is true: for the listing's rows, `listedSince` (the moment the
   * listing was asked for). Rows this engine wrote after that (its own uploads, recorded while the
   * listing was on its way) are newer than the listing and stay as they are: the listing may predate
   * the upload, and taking its older entry would make our fresh copy look replaced by someone else (a
   * false conflict) or lost. `newer` counts them; the mirror is then not exactly the listing.
   */
  commit(listedSince: number): { added: number; removed: number; listed: number; newer: number } {
    if (!this.open) throw new Error('This listing was already committed or discarded');
    const staged = `temp.${this.table}`;
    this.db.exec(`CREATE INDEX temp.${this.table}_by_key ON ${this.table} (key)`);
    const before = (this.db.prepare('SELECT count(*) AS n FROM main.remote_files').get() as { n: number }).n;
    const newer = (
      this.db.prepare('SELECT count(*) AS n FROM main.remote_files WHERE seen_at > ?').get(listedSince) as {
        n: number;
      }
    ).n;
    const removed = this.db
      .prepare(
        `DELETE FROM main.remote_files WHERE seen_at <= @listedSince
           AND NOT EXISTS (SELECT 1 FROM ${staged} l WHERE l.key = remote_files.key)`,
      )
      .run({ listedSince }).changes;
    // In key order, so the key and name indexes grow at their ends instead of page by random page
    // (3.5× faster for a first listing of 1,000,000 files). `WHERE true` lets SQLite parse the upsert.
    this.db
      .prepare(
        `INSERT INTO main.remote_files (key, name, display_path, size, last_modified, md5, sha256,
           processing, processing_error, seen_at)
         SELECT key, name, display_path, size, last_modified, md5, sha256, processing,
           processing_error, @listedSince FROM ${staged}
         WHERE true ORDER BY key, rowid
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, display_path = excluded.display_path,
           size = excluded.size, last_modified = excluded.last_modified, md5 = excluded.md5,
           sha256 = excluded.sha256, processing = excluded.processing,
           processing_error = excluded.processing_error, seen_at = excluded.seen_at
         WHERE remote_files.seen_at <= @listedSince
           AND (name IS NOT excluded.name OR display_path IS NOT excluded.display_path
             OR size IS NOT excluded.size OR last_modified IS NOT excluded.last_modified
             OR md5 IS NOT excluded.md5 OR sha256 IS NOT excluded.sha256
             OR processing IS NOT excluded.processing
             OR processing_error IS NOT excluded.processing_error)`,
      )
      .run({ listedSince });
    const listed = (this.db.prepare(`SELECT count(DISTINCT key) AS n FROM ${staged}`).get() as { n: number })
      .n;
    this.open = false;
    return { added: listed - (before - removed), removed, listed, newer };
  }

  /** Drops what was staged (after a commit, or instead of one). Safe to call more than once. */
  discard(): void {
    this.open = false;
    if (this.dropped) return;
    this.dropped = true;
    this.db.exec(`DROP TABLE IF EXISTS temp.${this.table}`);
  }
}
