import { openSqlite } from '../base/sqlite.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProviderKind } from '../../shared/sync-types.js';
import { isProviderKind } from '../../shared/providers.js';
import { EMBEDDED_REMOTE_ID, type RemoteIdentity } from './remote-identity.js';

/** Another folder this data root syncs to the same remote account, as its state DB records it. */
export interface SiblingPair {
  id: string;
  folder: string;
  remoteFolder: string;
  stateFile: string;
}

/**
 * The other pairs of this data root on the same remote (provider + URL): read-only, each DB opened
 * briefly, so a sibling that is syncing right now is neither blocked nor changed. A DB that cannot be
 * read is left out: this only feeds warnings and "where did that copy come from".
 */
export function siblingPairs(
  stateRoot: string,
  provider: ProviderKind,
  remoteId: RemoteIdentity,
  excludeId: string,
): SiblingPair[] {
  return eachPair(stateRoot, (id, stateFile, fact, db) => {
    if (id === excludeId || fact('provider') !== provider || fact('remote') !== remoteId) return null;
    const stored = db.prepare("SELECT value FROM settings WHERE name = 'remoteFolder'").get() as
      { value: string } | undefined;
    const remoteFolder = stored ? (JSON.parse(stored.value) as string) : '';
    return { id, folder: fact('folder') ?? '?', remoteFolder, stateFile };
  });
}

/** A remote one folder syncs with, as its pair's state records it. */
export interface PairOfFolder {
  stateFile: string;
  provider: ProviderKind;
  /** As `--remote` takes it: the remote's URL, or undefined for the built-in remote. */
  remote: string | undefined;
}

/**
 * Every remote this data root syncs `folder` with (read-only, as siblingPairs): what `hoist status`
 * and `hoist ls` use when no remote is named, so a folder synced with `--remote` is found by its path.
 */
export function pairsOfFolder(stateRoot: string, folder: string): PairOfFolder[] {
  return eachPair(stateRoot, (_id, stateFile, fact): PairOfFolder | null => {
    const provider = fact('provider');
    const remote = fact('remote');
    if (fact('folder') !== folder || provider === null || remote === null || !isProviderKind(provider))
      return null;
    return { stateFile, provider, remote: remote === EMBEDDED_REMOTE_ID ? undefined : remote };
  });
}

/**
 * What `read` makes of each pair of this data root, in the order of their ids, each state DB opened
 * read-only and briefly; a pair it returns null for, or whose DB cannot be read, is left out.
 */
function eachPair<T>(
  stateRoot: string,
  read: (
    id: string,
    stateFile: string,
    fact: (name: string) => string | null,
    db: Database.Database,
  ) => T | null,
): T[] {
  const pairsDir = join(stateRoot, 'pairs');
  let ids: string[];
  try {
    ids = readdirSync(pairsDir);
  } catch {
    return [];
  }
  const found: T[] = [];
  for (const id of ids.sort()) {
    const stateFile = join(pairsDir, id, 'state.db');
    const result = readOnly(stateFile, (db) => {
      const fact = (name: string): string | null =>
        (db.prepare('SELECT value FROM pair WHERE name = ?').get(name) as { value: string } | undefined)
          ?.value ?? null;
      return read(id, stateFile, fact, db);
    });
    if (result !== null) found.push(result);
  }
  return found;
}

/** Where a remote copy came from, when a sibling pair uploaded it: "/home/ann/Notes (README.md)". */
export function originOfKey(siblings: readonly SiblingPair[], key: string): string | null {
  for (const sibling of siblings) {
    const path = readOnly(sibling.stateFile, (db) => {
      const row = db
        .prepare('SELECT path FROM local_files WHERE remote_key = ? AND remote_owned = 1 LIMIT 1')
        .get(key) as { path: string } | undefined;
      return row?.path ?? null;
    });
    if (path) return `uploaded by Hoist from ${sibling.folder} (${path}) on this computer`;
  }
  return null;
}

function readOnly<T>(file: string, read: (db: Database.Database) => T | null): T | null {
  let db: Database.Database | null = null;
  try {
    db = openSqlite(file, { readonly: true, fileMustExist: true });
    return read(db);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
