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
  const pairsDir = join(stateRoot, 'pairs');
  let ids: string[];
  try {
    ids = readdirSync(pairsDir);
  } catch {
    return [];
  }
  const siblings: SiblingPair[] = [];
  for (const id of ids.sort()) {
    if (id === excludeId) continue;
    const stateFile = join(pairsDir, id, 'state.db');
    const read = readOnly(stateFile, (db) => {
      const fact = (name: string): string | null =>
        (db.prepare('SELECT value FROM pair WHERE name = ?').get(name) as { value: string } | undefined)
          ?.value ?? null;
      if (fact('provider') !== provider || fact('remote') !== remoteId) return null;
      const stored = db.prepare("SELECT value FROM settings WHERE name = 'remoteFolder'").get() as
        { value: string } | undefined;
      const remoteFolder = stored ? (JSON.parse(stored.value) as string) : '';
      return { id, folder: fact('folder') ?? '?', remoteFolder, stateFile };
    });
    if (read) siblings.push(read);
  }
  return siblings;
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
  const pairsDir = join(stateRoot, 'pairs');
  let ids: string[];
  try {
    ids = readdirSync(pairsDir);
  } catch {
    return [];
  }
  const pairs: PairOfFolder[] = [];
  for (const id of ids.sort()) {
    const stateFile = join(pairsDir, id, 'state.db');
    const read = readOnly(stateFile, (db): PairOfFolder | null => {
      const fact = (name: string): string | null =>
        (db.prepare('SELECT value FROM pair WHERE name = ?').get(name) as { value: string } | undefined)
          ?.value ?? null;
      const provider = fact('provider');
      const remote = fact('remote');
      if (fact('folder') !== folder || provider === null || remote === null || !isProviderKind(provider))
        return null;
      return { stateFile, provider, remote: remote === EMBEDDED_REMOTE_ID ? undefined : remote };
    });
    if (read) pairs.push(read);
  }
  return pairs;
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
