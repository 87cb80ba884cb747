import { openSqlite } from '../../base/sqlite.js';
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
import { sqliteCode, stateFailure, stateFailureKind } from './state-failure.js';

export type Db = Database.Database;

/**
 * The state DB failed SQLite's own check at open (or is not a database at all): the host sets it
 * aside and starts a new one (host/checked-pair-state.ts). `problem` is SQLite's first complaint.
 */
export class DamagedStateError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(
      `Hoist's state database ${file} is damaged (${problem.replace(/\s+/g, ' ')}). The next hoist sync of its folder (or the app) sets it aside and rebuilds it from the folder and the remote's list.`,
    );
    this.name = 'DamagedStateError';
  }
}

/**
 * Opens (creating if needed) the state DB of one sync pair: WAL so the UI can read while the engine
 * writes, checked with SQLite's quick_check, versioned migrations applied in order, each in its own
 * transaction. Throws DamagedStateError for a file that is not a sound database, and the SyncError
 * of state-failure.ts for any other SQLite error (a full disk), so no caller sees SQLite's bare words.
 */
export function openStateDb(file: string, options: { quickCheck?: boolean; cacheKib?: number } = {}): Db {
  let db: Db | null = null;
  try {
    db = openSqlite(file);
    configure(db);
    // Before quick_check, which reads the whole file through the page cache.
    if (options.cacheKib !== undefined) setCacheKib(db, options.cacheKib);
    const problem = options.quickCheck === false ? null : quickCheckProblem(db);
    if (problem !== null) throw new DamagedStateError(file, problem);
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    const code = sqliteCode(error);
    if (code !== null && stateFailureKind(code) === 'damaged') {
      throw new DamagedStateError(file, (error as Error).message);
    }
    throw code === null ? error : stateFailure(file, error);
  }
}

/**
 * SQLite's quick_check (every page's structure, without integrity_check's index-against-table pass):
 * it reads the whole file, 0.5–0.7 s for a 96 MB state of 100,000 files (integrity_check: 2.1 s;
 * docs/benchmarks.md). Null when it says "ok".
 */
function quickCheckProblem(db: Db): string | null {
  const rows = db.pragma('quick_check(1)', { simple: false }) as Array<{ quick_check: string }>;
  const first = rows[0]?.quick_check ?? 'no answer';
  return first === 'ok' ? null : first;
}

/**
 * This connection's page cache from now on, in KiB (state-cache-budget.ts), for the state DB and its
 * temp DB (where a listing is staged) alike; a smaller one drops pages at once.
 */
export function setCacheKib(db: Db, kib: number): void {
  const size = -Math.max(1, Math.round(kib));
  db.pragma(`main.cache_size = ${size}`);
  db.pragma(`temp.cache_size = ${size}`);
}

/** The connection's page cache in KiB (`cache_size` is negative when it counts KiB, pages otherwise). */
export function cacheKibOf(db: Db): number {
  const size = db.pragma('cache_size', { simple: true }) as number;
  return size < 0 ? -size : (size * (db.pragma('page_size', { simple: true }) as number)) / 1024;
}

function configure(db: Db): void {
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
