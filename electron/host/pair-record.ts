import { checkPairSettingsPatch } from '../../shared/pair-settings-check.js';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PairSettings, ProviderKind } from '../../shared/sync-types.js';

/**
 * What a pair needs to be found again if its state DB is lost or set aside: which folder goes to
 * which remote, and the settings chosen for it (above all its remote folder: without it a rebuilt
 * state would upload every file a second time, at the top of the remote). Kept in `pair.json` beside
 * `state.db` rather than in the app's app.json: it is per pair, written whenever the pair's settings
 * are, and is found by the same pair id as the DB, whichever host (CLI, web host, desktop) opened it;
 * app.json belongs to the window's hosts and the CLI never writes it. Plain JSON a person can read.
 */
export interface PairRecord {
  folder: string;
  provider: ProviderKind;
  remote: string;
  settings: Partial<PairSettings>;
}

const FILE = 'pair.json';

/** The record, or null when there is none or it cannot be read as one (then nothing is guessed). */
export async function readPairRecord(pairDirectory: string): Promise<PairRecord | null> {
  let text: string;
  try {
    text = readFileSync(join(pairDirectory, FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PairRecord>;
    const settings = await checkPairSettingsPatch(parsed.settings ?? {});
    if (typeof parsed.folder !== 'string' || typeof parsed.provider !== 'string' || !settings.success) {
      return null;
    }
    return {
      folder: parsed.folder,
      provider: parsed.provider,
      remote: typeof parsed.remote === 'string' ? parsed.remote : '',
      settings: settings.data,
    };
  } catch {
    return null;
  }
}

/** Writes the record atomically (a reader never sees half of it). */
export function writePairRecord(pairDirectory: string, record: PairRecord): void {
  const target = join(pairDirectory, FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, target);
}
