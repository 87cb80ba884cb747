import type { Db } from './state-db.js';
import { sqliteCode } from './state-failure.js';

/**
 * The pair's DB handle with one listener on every SQLite error, whichever part of the engine met it
 * (a statement, a transaction, a pragma). Each part still handles the throw as it does, but many of
 * them turn a failure into a per-file problem and go on, which for the state DB itself would mean
 * uploading and deleting on a state that is no longer the truth (a full disk, a damaged page). The
 * listener lets the engine stop the run at the first one instead (sync-engine.ts `onStateFailed`).
 *
 * A Proxy rather than a wrapper class: the state classes use better-sqlite3's API as it is
 * (prepare, transaction, pragma, statement chaining), and every object it hands back is guarded too.
 */
export function guardDb(db: Db, onSqliteError: (error: Error) => void): Db {
  return guard(db, onSqliteError);
}

function guard<T extends object>(target: T, onSqliteError: (error: Error) => void): T {
  const wrappers = new Map<PropertyKey, unknown>();
  const proxy: T = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let wrapper = wrappers.get(property);
      if (wrapper === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        wrapper = (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = method.apply(object, args);
          } catch (error) {
            if (sqliteCode(error) !== null) onSqliteError(error as Error);
            throw error;
          }
          if (result === object) return proxy; // Statement chaining (`.raw()`, `.pluck()`).
          if (typeof result === 'function')
            return guardFunction(result as (...args: unknown[]) => unknown, onSqliteError); // transaction()
          if (isStatement(result)) return guard(result, onSqliteError); // prepare()
          return result;
        };
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
  return proxy;
}

function guardFunction(run: (...args: unknown[]) => unknown, onSqliteError: (error: Error) => void) {
  return (...args: unknown[]): unknown => {
    try {
      return run(...args);
    } catch (error) {
      if (sqliteCode(error) !== null) onSqliteError(error as Error);
      throw error;
    }
  };
}

function isStatement(value: unknown): value is object {
  return typeof value === 'object' && value !== null && 'run' in value && 'all' in value && 'source' in value;
}
