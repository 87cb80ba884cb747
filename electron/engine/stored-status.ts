import type { FileCounts, FileSyncState } from '../../shared/sync-types.js';
import type { PairState } from './state/pair-state.js';

/** What a pair's DB alone says about it: the part of the status that needs no running engine. */
export interface StoredStatus {
  counts: FileCounts;
  /** Files the mirror lists (null when not asked: counting 100,000 rows is not free). */
  remoteFiles: number | null;
  lastSyncAt: number | null;
  lastRemoteRefreshAt: number | null;
  /** Files that are not synced, each with its reason (failed, retrying, in conflict). */
  notSynced: Array<{ path: string; state: FileSyncState; message: string }>;
  /** What the last scan deliberately left out (symbolic links, special files), with why. */
  skipped: Array<{ path: string; message: string }>;
  /** What the last scan could not read (a folder without permission, a name that is not UTF-8). */
  unreadable: Array<{ path: string; message: string }>;
  /** Files deleted mid-run, after the scan saw them and before they were uploaded (the last run). */
  vanished: Array<{ path: string; message: string }>;
}

const NOT_SYNCED_STATES = ['failed', 'retrying', 'conflict'] as const;

/**
 * Reads a pair's stored status. SyncEngine.status() builds on it, and `hoist status` uses it on pairs
 * that are not open (or that another process syncs), so both tell the same truth.
 */
export function readStoredStatus(
  state: PairState,
  { notSyncedLimit = 1000, countRemote = true }: { notSyncedLimit?: number; countRemote?: boolean } = {},
): StoredStatus {
  const time = (name: 'lastSyncAt' | 'lastRemoteRefreshAt'): number | null => {
    const value = state.settings.fact(name);
    return value === null ? null : Number(value);
  };
  return {
    counts: state.files.counts(),
    remoteFiles: countRemote ? state.mirror.count() : null,
    lastSyncAt: time('lastSyncAt'),
    lastRemoteRefreshAt: time('lastRemoteRefreshAt'),
    skipped: notSyncedLimit === 0 ? [] : parseEntries(state.settings.fact('lastScanSkipped')),
    unreadable: notSyncedLimit === 0 ? [] : parseEntries(state.settings.fact('lastScanUnreadable')),
    vanished: notSyncedLimit === 0 ? [] : parseEntries(state.settings.fact('runVanished')),
    notSynced: (notSyncedLimit === 0 ? [] : NOT_SYNCED_STATES).flatMap((fileState) =>
      state.files
        .inState(fileState, notSyncedLimit)
        .map((file) => ({ path: file.path, state: fileState, message: file.lastError ?? '' })),
    ),
  };
}

function parseEntries(stored: string | null): Array<{ path: string; message: string }> {
  if (stored === null) return [];
  try {
    return JSON.parse(stored) as Array<{ path: string; message: string }>;
  } catch {
    return [];
  }
}
