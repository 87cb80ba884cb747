import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProviderKind } from '../../shared/sync-types.js';
import { openPairState, type PairState } from '../engine/state/pair-state.js';
import { DamagedStateError } from '../engine/state/state-db.js';
import { readPairRecord, writePairRecord } from './pair-record.js';

export interface CheckedPairState {
  state: PairState;
  /**
   * One sentence for the person (stderr and the activity log) when the state had to be started
   * again: what happened, where the old file is, and what was restored. Null when all was well.
   */
  notice: string | null;
}

/**
 * Opens a pair's state for syncing (the caller holds the pair's lock, so no other process has the
 * file open): a DB SQLite finds damaged is set aside under a dated name with its -wal and -shm, kept
 * for inspection, and a new one is started. A new DB (set aside, or deleted by someone) gets back the
 * settings kept in pair.json (pair-record.ts), so the rebuilt pair uploads to the same remote folder.
 * The rebuild itself is the engine's ordinary first run: it scans the folder and lists the remote,
 * and the remote answers "already there" for every copy with the same name and MD5, so nothing is
 * uploaded twice; nothing is deleted on the remote, because a new state knows of no deleted files.
 */
export async function openCheckedPairState(
  stateFile: string,
  pair: { folder: string; provider: ProviderKind; remote: string },
  now: Date = new Date(),
  /** The state DB's page cache in KiB (engine/state/state-cache-budget.ts); SQLite's default without it. */
  cacheKib?: number,
): Promise<CheckedPairState> {
  const directory = dirname(stateFile);
  const record = await readPairRecord(directory);
  const keepRecord = (settings: PairState['settings']): void => {
    try {
      writePairRecord(directory, { ...pair, settings: settings.stored() });
    } catch {
      // The settings are in the DB all the same; pair.json is written again with the next change or open.
    }
  };
  const existed = existsSync(stateFile);
  let setAside: { file: string; problem: string } | null = null;
  let state: PairState;
  try {
    state = openPairState(stateFile, {
      onSettingsWritten: () => keepRecord(state.settings),
      ...(cacheKib !== undefined ? { cacheKib } : {}),
    });
  } catch (error) {
    if (!(error instanceof DamagedStateError)) throw error;
    // quick_check's report runs over lines ("*** in database main ***\nTree 5 page 5: …").
    setAside = { file: setAsideDamaged(stateFile, now), problem: error.problem.replace(/\s+/g, ' ') };
    state = openPairState(stateFile, {
      onSettingsWritten: () => keepRecord(state.settings),
      ...(cacheKib !== undefined ? { cacheKib } : {}),
    });
  }
  const fresh = setAside !== null || !existed;
  const restored = fresh && record !== null ? restoreSettings(state, record) : null;
  keepRecord(state.settings);
  const notice =
    setAside !== null
      ? `Hoist's state database ${stateFile} was damaged (${setAside.problem}); it was set aside as ${setAside.file} and rebuilt from the folder and the remote's list (files already on the remote are recognised by their MD5: nothing is uploaded twice or deleted on the remote)${restored ?? ''}.`
      : restored !== null
        ? `Hoist's state database ${stateFile} was missing; it is rebuilt from the folder and the remote's list${restored}.`
        : null;
  return { state, notice };
}

/** Writes the record's settings into a new DB; the words for the notice (" (remote folder …)"). */
function restoreSettings(
  state: PairState,
  record: NonNullable<Awaited<ReturnType<typeof readPairRecord>>>,
): string | null {
  if (Object.keys(record.settings).length === 0) return null;
  state.settings.write(record.settings);
  const folder = record.settings.remoteFolder;
  return folder === undefined || folder === ''
    ? '; its settings were restored from pair.json'
    : `; its settings (remote folder “${folder}”) were restored from pair.json`;
}

/**
 * Renames `state.db` (and its -wal and -shm, which belong with it: a WAL replayed onto another main
 * file would damage that one) to `state.damaged-<UTC time>.db`; returns the new path.
 */
function setAsideDamaged(stateFile: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const base = basename(stateFile).replace(/\.db$/, '');
  let target = join(dirname(stateFile), `${base}.damaged-${stamp}.db`);
  for (let n = 2; existsSync(target); n++)
    target = join(dirname(stateFile), `${base}.damaged-${stamp}-${n}.db`);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(stateFile + suffix)) renameSync(stateFile + suffix, target + suffix);
  }
  renameSync(stateFile, target);
  return target;
}
