import { openSqlite } from '../base/sqlite.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SyncError } from '../engine/sync-error.js';

/** Who holds a pair: written beside the lock so a second process can say so. */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
  what: string;
}

export interface PairLock {
  release(): void;
}

/**
 * One process at a time per pair. The lock is an exclusive SQLite transaction held open on
 * `<pair dir>/lock.db` for as long as the pair is open: the operating system drops it when the
 * process ends however it ends (even SIGKILL), so a dead holder never leaves a stale lock to clean
 * up, and SQLite's own locking already works across processes and between connections of one
 * process. `owner.json` only names the holder for the message.
 */
export function acquirePairLock(pairDir: string, what: string): PairLock {
  const db = openSqlite(join(pairDir, 'lock.db'));
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    const holder = readHolder(pairDir);
    const who = holder
      ? `pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, ${holder.what} since ${holder.since}`
      : 'another process';
    throw new SyncError('local-file', `Hoist is already syncing this folder (${who})`, {
      reason: 'pair-locked',
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), what };
  writeFileSync(join(pairDir, 'owner.json'), `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      db.close(); // Closing ends the open transaction, which releases the lock.
    },
  };
}

function readHolder(pairDir: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(join(pairDir, 'owner.json'), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}
