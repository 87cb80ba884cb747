import { DEFAULT_PAIR_SETTINGS, type PairSettings } from '../../../shared/sync-types.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';

/**
 * The facts a pair records about itself, by name: what it is (folder, provider, remote), when it
 * last synced and listed, the remote's tag of the listing the mirror holds, and the remote folder
 * the stored names were computed with.
 */
export type PairFactName =
  | 'folder'
  | 'provider'
  | 'remote'
  | 'lastSyncAt'
  | 'lastRemoteRefreshAt'
  | 'remoteListingVersion'
  | 'appliedRemoteFolder'
  | 'deletionsHeldBefore'
  | 'lastScanSkipped'
  | 'lastScanUnreadable'
  | 'runVanished';

/** Settings that belong to the pair, and facts about it (last sync time); never the API token. */
export class PairSettingsStore {
  private readonly sql: StatementCache;

  /** `onWritten` gets what is stored after each write: the host keeps a copy outside the DB (pair.json). */
  constructor(
    private readonly db: Db,
    private readonly onWritten?: (stored: Partial<PairSettings>) => void,
  ) {
    this.sql = new StatementCache(db);
  }

  read(): PairSettings {
    return { ...DEFAULT_PAIR_SETTINGS, ...this.stored() };
  }

  /** Only what was chosen and stored, without the defaults. */
  stored(): Partial<PairSettings> {
    const rows = this.sql.get('SELECT name, value FROM settings').all() as Array<{
      name: string;
      value: string;
    }>;
    return Object.fromEntries(
      rows.map((row) => [row.name, JSON.parse(row.value) as unknown]),
    ) as Partial<PairSettings>;
  }

  write(patch: Partial<PairSettings>): PairSettings {
    const upsert = this.sql.get(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(name, JSON.stringify(value));
      }
    })();
    this.onWritten?.(this.stored());
    return this.read();
  }

  fact(name: PairFactName): string | null {
    const row = this.sql.get('SELECT value FROM pair WHERE name = ?').get(name) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  /** Stores a fact; null forgets it. */
  setFact(name: PairFactName, value: string | null): void {
    if (value === null) {
      this.sql.get('DELETE FROM pair WHERE name = ?').run(name);
      return;
    }
    this.sql
      .get(
        'INSERT INTO pair (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      )
      .run(name, value);
  }
}
