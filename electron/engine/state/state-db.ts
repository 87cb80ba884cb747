import { openSqlite } from '../../base/sqlite.js';
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the state DB of one sync pair: WAL so the UI can read while the engine
 * writes, versioned migrations applied in order, each in its own transaction.
 */
export function openStateDb(file: string): Db {
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable against process crashes; a power cut may lose the last commits,
  // which only means re-checking those files on the next start, never losing one.
  db.pragma('synchronous = NORMAL');
  // A refresh that rewrites a big mirror grows the WAL by as much as it writes (~400 MB for 1,000,000
  // new rows); without a limit the file keeps that size for as long as the DB is open.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // Temp tables on disk (the build's default, said here because it matters): a listing being staged
  // (staged-listing.ts) holds a million rows there, which must not sit in memory.
  db.pragma('temp_store = FILE');
  db.pragma('foreign_keys = ON');
  // `natural_key`, which an index of the mirror uses, is registered by openSqlite on every connection.
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The state DB is from a newer Hoist (schema ${current}, this one knows ${MIGRATIONS.length})`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
