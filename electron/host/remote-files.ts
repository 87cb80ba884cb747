import { existsSync } from 'node:fs';
import type { ProviderKind, RemoteFileView } from '../../shared/sync-types.js';
import { decodeRemoteName } from '../engine/remote/remote-names.js';
import type { RemoteDeleteResult } from '../engine/remote-deletion.js';
import { openPairState } from '../engine/state/pair-state.js';
import { SyncError, toSyncError } from '../engine/sync-error.js';
import { openPair, type OpenedPair } from './open-pair.js';
import { pairId } from './pair-location.js';
import { connectRemote, remoteIdentity } from './remote-connection.js';
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
}

const PAGE = 1000;

/**
 * The remote's files. When this data root syncs a folder to that remote (or `folder` names one), the
 * list comes through that pair's SyncService: its mirror is refreshed and read, so `hoist status`
 * and the app see the same list. A pair another process is syncing is read as its mirror stands
 * (that process keeps it fresh). With no pair at all the remote is listed directly: there is
 * nothing of Hoist's to keep true.
 */
export async function listRemoteFiles(config: RemoteConfig, folder?: string): Promise<RemoteListing> {
  const pair = choosePair(config, folder);
  if (pair === null) {
    const connection = await connectRemote(config);
    try {
      const entries = await connection.provider.list();
      return { files: sortByName(entries.map(listed)), source: 'remote', folder: null };
    } finally {
      await connection.close();
    }
  }
  const opened = await openIfFree(config, pair.folder, 'hoist ls');
  if (opened === null) {
    const state = openPairState(pair.stateFile);
    try {
      return {
        files: sortByName(allPages((query) => state.browse.page(query))),
        source: 'pair-mirror',
        folder: pair.folder,
      };
    } finally {
      state.close();
    }
  }
  try {
    await opened.service.refreshRemote();
    const files = allPages((query) => opened.service.listRemote(query));
    return { files: sortByName(files), source: 'pair-refreshed', folder: pair.folder };
  } finally {
    await opened.close();
  }
}

/**
 * Deletes remote files by key through the pair that uploaded them (or, for keys no pair knows, the
 * first pair on that remote), so its mirror and file states follow: a file still in its folder is
 * queued to upload again. Keys of a pair another process is syncing are deleted directly; that
 * process sees them gone at its next refresh.
 */
export async function deleteRemoteFiles(
  config: RemoteConfig,
  keys: readonly string[],
): Promise<Array<RemoteDeleteResult & { via: string | null }>> {
  const pairs = pairsOnRemote(config).filter((pair) => existsSync(pair.folder));
  const groups = new Map<SiblingPair | null, string[]>();
  for (const key of keys) {
    const owner = pairs.find((pair) => ownsKey(pair, key)) ?? pairs[0] ?? null;
    groups.set(owner, [...(groups.get(owner) ?? []), key]);
  }
  const results: Array<RemoteDeleteResult & { via: string | null }> = [];
  for (const [pair, group] of groups) {
    const opened = pair === null ? null : await openIfFree(config, pair.folder, 'hoist rm');
    if (opened !== null) {
      try {
        for (const result of await opened.service.deleteRemote(group))
          results.push({ ...result, via: pair?.folder ?? null });
      } finally {
        await opened.close();
      }
      continue;
    }
    results.push(...(await deleteDirectly(config, group)));
  }
  return results;
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
  return siblingPairs(config.stateRoot, config.provider, remoteIdentity(config), '');
}

/** The pair to read: the one of `folder`, else the first of this remote whose folder still exists. */
function choosePair(config: RemoteConfig, folder: string | undefined): SiblingPair | null {
  const pairs = pairsOnRemote(config);
  if (folder !== undefined) {
    const id = pairId(folder, config.provider, remoteIdentity(config));
    const pair = pairs.find((candidate) => candidate.id === id);
    if (!pair) {
      throw new SyncError('config', `Hoist has not synced ${folder} with this remote yet`, {
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
  const state = openPairState(pair.stateFile);
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
