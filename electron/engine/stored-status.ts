import type { NotSyncedCounts, NotSyncedEntry } from '../../shared/not-synced.js';
import type { FileCounts } from '../../shared/sync-types.js';
import { countNotSynced, listNotSynced, scanFindings } from './not-synced.js';
import type { PairState } from './state/pair-state.js';

/** What a pair's DB alone says about it: the part of the status that needs no running engine. */
export interface StoredStatus {
  counts: FileCounts;
  /** Files the mirror lists (null when not asked: counting 100,000 rows is not free). */
  remoteFiles: number | null;
  lastSyncAt: number | null;
  lastRemoteRefreshAt: number | null;
  /** How many entries are not synced, as the headline and the tray count them (not-synced.ts). */
  notSyncedCounts: NotSyncedCounts;
  /** Everything that is not synced, each with its reason (not-synced.ts): the window's list. */
  notSynced: NotSyncedEntry[];
  /** What the last scan deliberately left out (symbolic links, special files), with why. */
  skipped: Array<{ path: string; message: string }>;
  /** What the last scan could not read (a folder without permission, a name that is not UTF-8). */
  unreadable: Array<{ path: string; message: string }>;
  /** Files deleted mid-run, after the scan saw them and before they were uploaded (the last run). */
  vanished: Array<{ path: string; message: string }>;
}

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
  const listed = notSyncedLimit > 0;
  const plain = ({ path, message }: { path: string; message: string }) => ({ path, message });
  return {
    counts: state.files.counts(),
    remoteFiles: countRemote ? state.mirror.count() : null,
    lastSyncAt: time('lastSyncAt'),
    lastRemoteRefreshAt: time('lastRemoteRefreshAt'),
    notSyncedCounts: countNotSynced(state),
    notSynced: listed ? listNotSynced(state, notSyncedLimit) : [],
    skipped: listed ? scanFindings(state, 'skipped').map(plain) : [],
    unreadable: listed ? scanFindings(state, 'unreadable').map(plain) : [],
    vanished: listed ? parseEntries(state.settings.fact('runVanished')) : [],
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
