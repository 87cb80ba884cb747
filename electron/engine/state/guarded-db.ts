import type { Db } from './state-db.js';
import { sqliteCode } from './state-failure.js';

type Method = (...args: unknown[]) => unknown;

/** What runs before a write (group-commit.ts joins it to the open group of writes). */
export interface WriteHooks {
  beforeWrite(): void;
  inTransaction<T>(work: () => T): T;
}

const NO_HOOKS: WriteHooks = { beforeWrite: () => undefined, inTransaction: (work) => work() };

// What runs SQL: the DB's own entry points, and a prepared statement's. Chaining methods (`raw`,
// `pluck`) return the statement itself, already guarded.
const DB_METHODS = ['prepare', 'exec', 'pragma', 'transaction'] as const;
const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const;

/**
 * The pair's DB handle with one listener on every SQLite error, whichever part of the engine met it
 * (a statement, a transaction, a pragma). Each part still handles the throw as it does, but many of
 * them turn a failure into a per-file problem and go on, which for the state DB itself would mean
 * uploading and deleting on a state that is no longer the truth (a full disk, a damaged page). The
 * listener lets the engine stop the run at the first one instead (sync-engine.ts `onStateFailed`).
 *
 * The methods are wrapped on the objects themselves rather than through a Proxy: a Proxy's trap on
 * every call cost ~1 µs per statement run, which a 200,000-row listing felt. An error met while
 * stepping an `iterate()` cursor after its first row is not seen here; the engine's iterations are
 * read-only walks whose next write would meet the same failure.
 */
export function guardDb(db: Db, onSqliteError: (error: Error) => void, hooks: WriteHooks = NO_HOOKS): Db {
  const target = db as unknown as Record<string, Method>;
  for (const name of DB_METHODS) {
    const method = target[name] as Method;
    target[name] = function guardedDbMethod(this: unknown, ...args: unknown[]): unknown {
      // `exec` runs SQL text whose effects are not known here: taken as a write.
      const before = name === 'exec' ? hooks.beforeWrite : null;
      const result = call(method, db, args, onSqliteError, before);
      if (name === 'prepare') return guardStatement(result as object, onSqliteError, hooks);
      if (name === 'transaction') {
        const run = result as Method & Record<string, Method>;
        const guarded = (...runArgs: unknown[]): unknown =>
          call(() => hooks.inTransaction(() => run(...runArgs)), undefined, [], onSqliteError);
        // better-sqlite3's variants (deferred, immediate, exclusive) stay reachable, unguarded.
        return Object.assign(guarded, run);
      }
      return result;
    };
  }
  return db;
}

function guardStatement(statement: object, onSqliteError: (error: Error) => void, hooks: WriteHooks): object {
  const target = statement as Record<string, Method>;
  // SQLite's own word on whether the statement can change the database (sqlite3_stmt_readonly).
  const before = (statement as { readonly: boolean }).readonly ? null : hooks.beforeWrite;
  for (const name of STATEMENT_METHODS) {
    const method = target[name] as Method;
    target[name] = (...args: unknown[]): unknown => call(method, statement, args, onSqliteError, before);
  }
  return statement;
}

function call(
  method: Method,
  self: unknown,
  args: unknown[],
  onSqliteError: (error: Error) => void,
  beforeWrite: (() => void) | null = null,
): unknown {
  try {
    beforeWrite?.();
    return method.apply(self, args);
  } catch (error) {
    if (sqliteCode(error) !== null) onSqliteError(error as Error);
    throw error;
  }
}
