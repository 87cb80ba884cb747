import Database from 'better-sqlite3';

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
  return new Database(file, nativeBinding === null ? options : { ...options, nativeBinding });
}

export type SqliteDatabase = Database.Database;
