import Database from 'better-sqlite3';
import { naturalSortKey } from '../../shared/natural-order.js';

/**
 * Every SQLite file Hoist opens goes through here, so one process-wide choice says which compiled
 * better-sqlite3 to load: Node's (the default: the CLI, the web host, the tests) or the separate
 * Electron build (Electron's ABI) that the desktop app's core process names at its start
 * (better-sqlite3's `nativeBinding`). Both builds coexist on disk; neither replaces the other.
 */
let nativeBinding: string | null = null;

/** The desktop core process calls this once, before anything opens a database. */
export function useSqliteNativeBinding(path: string | null): void {
  nativeBinding = path;
}

export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  const db = new Database(file, nativeBinding === null ? options : { ...options, nativeBinding });
  registerFunctions(db);
  return db;
}

/**
 * SQL functions a schema uses: the state DB indexes `natural_key` (its migration 5), and SQLite needs
 * the function on every connection that writes that table or checks its integrity, so every
 * connection Hoist opens has it. A tool outside Hoist can still read the file; `PRAGMA
 * integrity_check` there needs the function registered the same way (see mirror-migration.test.ts).
 */
export function registerFunctions(db: Database.Database): void {
  db.function('natural_key', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? naturalSortKey(text) : null,
  );
}

export type SqliteDatabase = Database.Database;
