import type { RemoteEntry } from '../remote/remote-provider.js';
import type { MirroredCopy } from './local-files.js';
import type { PairSettingsStore } from './pair-settings.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';

/** The pair fact holding listingVersion. */
const LISTING_VERSION = 'remoteListingVersion';

/**
 * The remote file list as last seen, which is all the UI ever reads. A refresh replaces it in one
 * transaction, so a reader sees the old list or the new one, never half of each.
 */
export class RemoteMirror {
  private readonly sql: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly facts: PairSettingsStore,
  ) {
    this.sql = new StatementCache(db);
  }

  /**
   * Replaces the mirror with `entries`; returns how many keys appeared and disappeared. Only what
   * changed is written: the mirror is read once into a map of row fingerprints and compared in memory,
   * because a statement per entry, even one that writes nothing, cost 1.4 s for 100,000 entries.
   */
  replaceAll(
    entries: readonly RemoteEntry[],
    displayPath: (name: string) => string,
    now: number,
    version: string | null = null,
  ): { added: number; removed: number } {
    return this.db.transaction(() => {
      this.setListingVersion(version);
      const stored = new Map<string, string>();
      // Iterated, not all(): 100,000 rows at once would add their arrays to the peak memory.
      const rows = this.sql
        .get('SELECT key, name, size, last_modified, md5, sha256 FROM remote_files')
        .raw(true)
        .iterate() as IterableIterator<
        [string, string, number | null, number | null, string | null, string | null]
      >;
      for (const [key, name, size, lastModified, md5, sha256] of rows) {
        stored.set(key, fingerprint(name, size, lastModified, md5, sha256));
      }
      const upsert = this.sql.get(
        `INSERT INTO remote_files (key, name, display_path, size, last_modified, md5, sha256, seen_at)
         VALUES (@key, @name, @displayPath, @size, @lastModified, @md5, @sha256, @now)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, display_path = excluded.display_path,
           size = excluded.size, last_modified = excluded.last_modified, md5 = excluded.md5,
           sha256 = excluded.sha256, seen_at = excluded.seen_at`,
      );
      let added = 0;
      for (const entry of entries) {
        const before = stored.get(entry.key);
        if (before === undefined) added++;
        else stored.delete(entry.key);
        if (before !== fingerprint(entry.name, entry.size, entry.lastModified, entry.md5, entry.sha256)) {
          upsert.run({ ...entry, displayPath: displayPath(entry.name), now });
        }
      }
      // What is left was not listed: gone from the remote.
      const remove = this.sql.get('DELETE FROM remote_files WHERE key = ?');
      for (const key of stored.keys()) remove.run(key);
      return { added, removed: stored.size };
    })();
  }

  /**
   * The remote's version tag of the listing the mirror was last replaced with (an ETag), or null. Any
   * change made here between refreshes drops it: the mirror is then no longer exactly that listing.
   */
  listingVersion(): string | null {
    return this.facts.fact(LISTING_VERSION);
  }

  private setListingVersion(version: string | null): void {
    this.facts.setFact(LISTING_VERSION, version);
  }

  /** Records one file we just uploaded, so the UI shows it before the next full refresh. */
  upsertOne(entry: RemoteEntry, displayPath: string, now: number): void {
    this.setListingVersion(null);
    this.sql
      .get(
        `INSERT INTO remote_files (key, name, display_path, size, last_modified, md5, sha256, seen_at)
         VALUES (@key, @name, @displayPath, @size, @lastModified, @md5, @sha256, @now)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, display_path = excluded.display_path,
           size = excluded.size, last_modified = excluded.last_modified, md5 = excluded.md5,
           sha256 = excluded.sha256, seen_at = excluded.seen_at`,
      )
      .run({ ...entry, displayPath, now });
  }

  remove(key: string): void {
    this.setListingVersion(null);
    this.sql.get('DELETE FROM remote_files WHERE key = ?').run(key);
  }

  /** The object under `key` as last listed (or recorded by our upload), or null. */
  copy(key: string): (MirroredCopy & { name: string }) | null {
    const row = this.sql
      .get('SELECT key, name, size, last_modified AS lastModified, md5 FROM remote_files WHERE key = ?')
      .get(key) as (MirroredCopy & { name: string }) | undefined;
    return row ?? null;
  }

  /** Whether any object is listed under this remote name. */
  hasName(name: string): boolean {
    return this.sql.get('SELECT 1 FROM remote_files WHERE name = ? LIMIT 1').get(name) !== undefined;
  }

  nameOf(key: string): string | null {
    const row = this.sql.get('SELECT name FROM remote_files WHERE key = ?').get(key) as
      { name: string } | undefined;
    return row?.name ?? null;
  }

  count(): number {
    return (this.sql.get('SELECT count(*) AS n FROM remote_files').get() as { n: number }).n;
  }
}

function fingerprint(
  name: string,
  size: number | null,
  lastModified: number | null,
  md5: string | null,
  sha256: string | null,
): string {
  return `${name}\u0000${size}\u0000${lastModified}\u0000${md5}\u0000${sha256}`;
}
