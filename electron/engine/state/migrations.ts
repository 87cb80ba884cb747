/**
 * The state DB's schema, one entry per version; never edit a shipped entry, append a new one.
 * Indexes exist for what runs per file at 100,000+ files: the state queues, the remote-name conflict
 * check, the key join between the mirror and local files, and the browse window's sorts.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE local_files (
     path TEXT PRIMARY KEY,
     remote_name TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     inode INTEGER NOT NULL,
     md5 TEXT,
     sha256 TEXT,
     state TEXT NOT NULL,
     remote_key TEXT,
     remote_owned INTEGER NOT NULL DEFAULT 0,
     synced_md5 TEXT,
     last_error TEXT,
     error_category TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     retry_at INTEGER,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX local_files_by_state ON local_files (state, path);
   CREATE INDEX local_files_by_remote_name ON local_files (remote_name);
   CREATE INDEX local_files_by_remote_key ON local_files (remote_key);

   CREATE TABLE remote_files (
     key TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     display_path TEXT NOT NULL,
     size INTEGER,
     last_modified INTEGER,
     md5 TEXT,
     sha256 TEXT,
     seen_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX remote_files_by_path ON remote_files (display_path COLLATE NOCASE);
   CREATE INDEX remote_files_by_size ON remote_files (size);
   CREATE INDEX remote_files_by_modified ON remote_files (last_modified);

   CREATE TABLE activity (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     path TEXT,
     message TEXT NOT NULL,
     detail TEXT
   );

   CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE pair (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`,
  // Never overwrite what is not ours (issue 7): what the remote listed for our copy (the baseline a
  // refresh compares with to notice someone replacing it), why a file is in conflict and with which
  // remote object, and the remote name a "keep both" resolution gave it. The name index serves the
  // check "does the remote already hold something under this name" before every upload.
  `ALTER TABLE local_files ADD COLUMN synced_size INTEGER;
   ALTER TABLE local_files ADD COLUMN synced_remote_modified INTEGER;
   ALTER TABLE local_files ADD COLUMN conflict_kind TEXT;
   ALTER TABLE local_files ADD COLUMN conflict_key TEXT;
   ALTER TABLE local_files ADD COLUMN name_override TEXT;
   UPDATE local_files SET conflict_kind = 'same-name' WHERE state = 'conflict';
   UPDATE local_files SET synced_size = size WHERE state = 'synced';
   CREATE INDEX remote_files_by_name ON remote_files (name);`,
  // The key a file last sent bytes to whose outcome was never recorded (an abandoned or failed PUT
  // the server may still have committed): such an object is this folder's, not someone else's.
  `ALTER TABLE local_files ADD COLUMN sent_key TEXT;`,
  // The mirror at 1,000,000 files (issue 11): as a WITHOUT ROWID table keyed by its key, each of its
  // four indexes carried the key (~80 bytes) beside its own column, and every row its name twice
  // (name and display path): 687 MB for a 203 MB listing. Keyed by rowid, an index entry carries a
  // small integer instead, and the display path is kept only where it is not the name with U+2215
  // (char(8725), Hoist's folder separator) read as '/': see staged-listing.ts, displayPathSql.
  `CREATE TABLE remote_files_v4 (
     key TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     display_path TEXT,
     size INTEGER,
     last_modified INTEGER,
     md5 TEXT,
     sha256 TEXT,
     seen_at INTEGER NOT NULL
   );
   INSERT INTO remote_files_v4 (key, name, display_path, size, last_modified, md5, sha256, seen_at)
     SELECT key, name,
       CASE WHEN display_path = replace(name, char(8725), '/') THEN NULL ELSE display_path END,
       size, last_modified, md5, sha256, seen_at
     FROM remote_files ORDER BY key;
   DROP TABLE remote_files;
   ALTER TABLE remote_files_v4 RENAME TO remote_files;
   CREATE INDEX remote_files_by_path
     ON remote_files (coalesce(display_path, replace(name, char(8725), '/')) COLLATE NOCASE);
   CREATE INDEX remote_files_by_size ON remote_files (size);
   CREATE INDEX remote_files_by_modified ON remote_files (last_modified);
   CREATE INDEX remote_files_by_name ON remote_files (name);`,
  // Issue 16. What the remote did with a file after storing it (Open WebUI extracts its text so the
  // AI can read it: pending, completed or failed, with the remote's reason); NULL where the remote
  // has no such step. And the browse window's sort by name in natural order (`clip-2` before
  // `clip-10`): the index on the display path is replaced by one on its natural key
  // (shared/natural-order.ts), a function state-db.ts registers on every connection, so a sorted page
  // is still read off an index. It replaces the old index rather than joining it: one index's worth.
  `ALTER TABLE remote_files ADD COLUMN processing TEXT;
   ALTER TABLE remote_files ADD COLUMN processing_error TEXT;
   DROP INDEX remote_files_by_path;
   CREATE INDEX remote_files_by_natural_path
     ON remote_files (natural_key(coalesce(display_path, replace(name, char(8725), '/'))));
   CREATE INDEX remote_files_by_processing ON remote_files (processing) WHERE processing <> 'completed';`,
  // Why a file is not synced, as a closed reason (shared/not-synced.ts) beside its message: the
  // headline, the tray and `hoist status` count and group by it instead of by the wording.
  `ALTER TABLE local_files ADD COLUMN error_reason TEXT;`,
  // Issue 17 (selective sync): the copies this folder uploaded of files that are now ignored, so that
  // including them again finds them its own (excluded-copies.ts).
  `CREATE TABLE excluded_copies (
     path TEXT PRIMARY KEY,
     remote_name TEXT NOT NULL,
     remote_key TEXT NOT NULL,
     synced_md5 TEXT,
     synced_size INTEGER,
     synced_remote_modified INTEGER
   ) WITHOUT ROWID;`,
  // Issue 18. The head of the upload queue (path and MD5 of hashed files, in path order) is read
  // once per upload: the state index now carries the MD5 too, so that read never leaves the index
  // (~20% less CPU per read, measured: docs/benchmarks.md). Every file that changes state rewrites
  // its entry in this index anyway, so the wider entry costs no extra write.
  `DROP INDEX local_files_by_state;
   CREATE INDEX local_files_by_state ON local_files (state, path, md5);`,
  // Issue 19. A large file's upload in parts, as it goes: the remote's upload id (recorded before any
  // part is sent) and each part the remote confirmed, so a restart resumes it instead of starting over
  // (multipart-records.ts).
  `CREATE TABLE multipart_uploads (
     path TEXT PRIMARY KEY,
     upload_id TEXT NOT NULL,
     remote_key TEXT NOT NULL,
     md5 TEXT NOT NULL,
     size INTEGER NOT NULL,
     part_size INTEGER NOT NULL,
     part_count INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE multipart_parts (
     path TEXT NOT NULL,
     part_number INTEGER NOT NULL,
     md5 TEXT NOT NULL,
     PRIMARY KEY (path, part_number)
   ) WITHOUT ROWID;`,
  // Issue 19. The MD5 of each part of a large file, computed in the hasher's one read of it beside the
  // whole file's MD5, kept until its upload in parts completes: the uploader never reads the file to
  // hash a part, also after a restart (part-hashes.ts). 16 bytes a part in one blob (at most 10,000
  // parts: 160 KB), valid only for the stat and MD5 it was read with.
  `CREATE TABLE part_hashes (
     path TEXT PRIMARY KEY,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     inode INTEGER NOT NULL,
     md5 TEXT NOT NULL,
     part_size INTEGER NOT NULL,
     part_md5s BLOB NOT NULL
   );`,
];
