import { existsSync } from 'node:fs';
import type { ProviderKind, RemoteFileView } from '../../shared/sync-types.js';
import { decodeRemoteName, FOLDER_SEPARATOR } from '../engine/remote/remote-names.js';
import type { RemoteDeleteResult } from '../engine/remote-deletion.js';
import { openPairState } from '../engine/state/pair-state.js';
import { SyncError, toSyncError } from '../engine/sync-error.js';
import { openPair, type OpenedPair } from './open-pair.js';
import { remoteLabelOf } from './folder-remote.js';
import { pairId } from './pair-location.js';
import { connectRemote } from './remote-connection.js';
import { remoteIdentityOf } from './remote-identity.js';
import { siblingPairs, type SiblingPair } from './sibling-pairs.js';

/** How to reach the remote, as every client command is given it. */
export interface RemoteConfig {
  provider: ProviderKind;
  remote: string | undefined;
  stateRoot: string;
  token: string | undefined;
}

/** One file on the remote, as `hoist ls` prints it. */
export interface ListedFile {
  key: string;
  /** The path it stands for: its remote name with folders decoded (a remote folder included). */
  name: string;
  size: number | null;
  lastModified: number | null;
}

export interface RemoteListing {
  files: ListedFile[];
  /** How the list was had, for people: "refreshed through /home/ann/Notes", "as of …". */
  source: 'pair-refreshed' | 'pair-mirror' | 'remote';
  /** The folder whose pair served it, if one did. */
  folder: string | null;
  /**
   * `pair-mirror` only: the remote could not be asked now (unreachable, failing), so this is the
   * list as the running sync last stored it: when (null if never) and why it was not refreshed.
   */
  cached: { at: number | null; because: string } | null;
}

const PAGE = 1000;

/**
 * The remote's files. When this data root syncs a folder to that remote (or `folder` names one), the
 * list comes through that pair's SyncService: its mirror is refreshed and read, so `hoist status`
 * and the app see the same list. A pair another process is syncing is not written to: the remote is
 * asked directly, which also checks the token (a rejected one is an error, never a quiet cached
 * list); only when the remote cannot be reached is that pair's stored list read, marked `cached`
 * with its date. With no pair at all the remote is listed directly.
 */
export async function listRemoteFiles(config: RemoteConfig, folder?: string): Promise<RemoteListing> {
  const pair = choosePair(config, folder);
  if (pair === null) {
    return { files: await listDirectly(config), source: 'remote', folder: null, cached: null };
  }
  const opened = await openIfFree(config, pair.folder, 'hoist ls');
  if (opened === null) {
    try {
      return { files: await listDirectly(config), source: 'remote', folder: pair.folder, cached: null };
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth' || syncError.category === 'config') throw syncError;
      return readStoredList(pair, syncError.message);
    }
  }
  try {
    await opened.service.refreshRemote();
    const files = allPages((query) => opened.service.listRemote(query));
    return { files: sortByName(files), source: 'pair-refreshed', folder: pair.folder, cached: null };
  } finally {
    await opened.close();
  }
}

async function listDirectly(config: RemoteConfig): Promise<ListedFile[]> {
  const connection = await connectRemote(config);
  try {
    return sortByName((await connection.provider.list()).map(listed));
  } finally {
    await connection.close();
  }
}

/** The list a pair another process syncs last stored (read only, without the open-time check). */
function readStoredList(pair: SiblingPair, because: string): RemoteListing {
  const state = openPairState(pair.stateFile, { quickCheck: false });
  try {
    const at = state.settings.fact('lastRemoteRefreshAt');
    return {
      files: sortByName(allPages((query) => state.browse.page(query))),
      source: 'pair-mirror',
      folder: pair.folder,
      cached: { at: at === null ? null : Number(at), because },
    };
  } finally {
    state.close();
  }
}

/** What `hoist rm` was asked to delete, as typed, and what came of it. */
export type RemoteDeletion = RemoteDeleteResult & { asked: string; via: string | null };

/**
 * Deletes remote files named by key or by the path `hoist ls` shows (`Docs/a.txt` for the key
 * `…_Docs∕a.txt`; `/` is accepted where a key has `∕`), through the pair that uploaded them (or,
 * for keys no pair knows, the first pair on that remote), so its mirror and file states follow: a
 * file still in its folder is queued to upload again. Each is checked against the remote's list
 * first: what it does not list is reported not found and never sent. Keys of a pair another process
 * is syncing are deleted directly; that process sees them gone at its next refresh.
 */
export async function deleteRemoteFiles(
  config: RemoteConfig,
  asked: readonly string[],
): Promise<RemoteDeletion[]> {
  const listing = await listRemoteFiles(config);
  const targets = asked.map((name) => ({ asked: name, match: matchListed(listing.files, name) }));
  const byKey = new Map<string, string>();
  for (const target of targets) if (typeof target.match === 'string') byKey.set(target.match, target.asked);
  const pairs = pairsOnRemote(config).filter((pair) => existsSync(pair.folder));
  const groups = new Map<SiblingPair | null, string[]>();
  for (const key of byKey.keys()) {
    const owner = pairs.find((pair) => ownsKey(pair, key)) ?? pairs[0] ?? null;
    groups.set(owner, [...(groups.get(owner) ?? []), key]);
  }
  const done = new Map<string, RemoteDeleteResult & { via: string | null }>();
  for (const [pair, group] of groups) {
    const opened = pair === null ? null : await openIfFree(config, pair.folder, 'hoist rm');
    if (opened !== null) {
      try {
        // The listing above refreshed one pair's mirror; another's is brought up to date first.
        if (pair?.folder !== listing.folder) await opened.service.refreshRemote();
        for (const result of await opened.service.deleteRemote(group))
          done.set(result.key, { ...result, via: pair?.folder ?? null });
      } finally {
        await opened.close();
      }
      continue;
    }
    for (const result of await deleteDirectly(config, group)) done.set(result.key, result);
  }
  const results: RemoteDeletion[] = [];
  for (const target of targets) {
    if (typeof target.match !== 'string') {
      results.push({ asked: target.asked, key: target.asked, deleted: false, via: null, ...target.match });
      continue;
    }
    const result = done.get(target.match);
    if (result !== undefined) results.push({ ...result, asked: target.asked });
    // A key not tried: an earlier delete's auth or "cannot delete" error stopped the rest.
  }
  return results;
}

/**
 * The key `name` stands for in the list: the key itself, a path as `hoist ls` shows it, or a key
 * typed with `/` for its `∕`; else why not (no such file; several files by that path).
 */
function matchListed(
  files: readonly ListedFile[],
  name: string,
): string | { notFound: true; message: string } {
  if (files.some((file) => file.key === name)) return name;
  const byPath = files.filter((file) => file.name === name);
  if (byPath.length === 1) return (byPath[0] as ListedFile).key;
  if (byPath.length > 1) {
    return {
      notFound: true,
      message: `${byPath.length} files on the remote are shown as “${name}”; give the key of the one to delete (in brackets in hoist ls)`,
    };
  }
  const typed = name.replaceAll('/', FOLDER_SEPARATOR);
  if (typed !== name && files.some((file) => file.key === typed)) return typed;
  return {
    notFound: true,
    message:
      'No file on the remote has this key or path; hoist ls lists them (the path, or the key in brackets)',
  };
}

async function deleteDirectly(
  config: RemoteConfig,
  keys: readonly string[],
): Promise<Array<RemoteDeleteResult & { via: null }>> {
  const connection = await connectRemote(config);
  const results: Array<RemoteDeleteResult & { via: null }> = [];
  try {
    for (const key of keys) {
      try {
        await connection.provider.delete(key);
        results.push({ key, deleted: true, message: 'Deleted from the remote', via: null });
      } catch (error) {
        const syncError = toSyncError(error, 'network');
        results.push({ key, deleted: false, message: syncError.message, via: null });
        if (syncError.category === 'auth' || syncError.category === 'unsupported') break;
      }
    }
  } finally {
    await connection.close();
  }
  return results;
}

function pairsOnRemote(config: RemoteConfig): SiblingPair[] {
  const identity = remoteIdentityOf(config.provider, config.remote);
  return siblingPairs(config.stateRoot, config.provider, identity, '');
}

/** The pair to read: the one of `folder`, else the first of this remote whose folder still exists. */
function choosePair(config: RemoteConfig, folder: string | undefined): SiblingPair | null {
  const pairs = pairsOnRemote(config);
  if (folder !== undefined) {
    const id = pairId(folder, config.provider, remoteIdentityOf(config.provider, config.remote));
    const pair = pairs.find((candidate) => candidate.id === id);
    if (!pair) {
      // Named, and how to name another: `hoist ls <folder>` without --remote looks at the built-in
      // remote, which is not where a folder synced with --remote is (seen using it by hand).
      const where = remoteLabelOf({ provider: config.provider, remoteUrl: config.remote });
      const hint =
        config.remote === undefined
          ? '; if it syncs with another remote, name it as hoist sync was told (--provider, --remote)'
          : '';
      throw new SyncError('config', `Hoist has not synced ${folder} with ${where} yet${hint}`, {
        reason: 'no-pair',
      });
    }
    return pair;
  }
  return pairs.find((pair) => existsSync(pair.folder)) ?? null;
}

async function openIfFree(config: RemoteConfig, folder: string, purpose: string): Promise<OpenedPair | null> {
  try {
    return await openPair({ ...config, folder }, { purpose });
  } catch (error) {
    if (error instanceof SyncError && error.reason === 'pair-locked') return null;
    throw error;
  }
}

function ownsKey(pair: SiblingPair, key: string): boolean {
  const state = openPairState(pair.stateFile, { quickCheck: false });
  try {
    return state.files.withRemoteKey(key).length > 0;
  } finally {
    state.close();
  }
}

function allPages(
  page: (query: { offset: number; limit: number }) => { items: RemoteFileView[]; total: number },
): ListedFile[] {
  const files: ListedFile[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = page({ offset, limit: PAGE });
    files.push(...items.map(listed));
    if (items.length < PAGE) return files;
  }
}

function listed(entry: {
  key: string;
  name: string;
  size: number | null;
  lastModified: number | null;
}): ListedFile {
  return {
    key: entry.key,
    name: decodeRemoteName(entry.name),
    size: entry.size,
    lastModified: entry.lastModified,
  };
}

function sortByName(files: ListedFile[]): ListedFile[] {
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
