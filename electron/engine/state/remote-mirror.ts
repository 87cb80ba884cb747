import type { RemoteEntry } from '../remote/remote-provider.js';
import type { MirroredCopy } from './local-files.js';
import type { PairSettingsStore } from './pair-settings.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';
import { StagedListing, storedDisplayPath } from './staged-listing.js';

/** The pair fact holding listingVersion. */
const LISTING_VERSION = 'remoteListingVersion';

/**
 * The remote file list as last seen, which is all the UI ever reads. A refresh stages the listing
 * beside it as it arrives and replaces it in one transaction, so a reader sees the old list or the
 * new one, never half of each.
 */
export class RemoteMirror {
  private readonly sql: StatementCache;
  /**
   * The order of our uploads' rows and full listings, which `seen_at` must tell exactly (a row newer
   * than a listing keeps its values and drops the listing's version; an older one absent from it is
   * removed). The clock's millisecond cannot: an upload recorded in the millisecond a listing was
   * asked for may be before or after it. So a listing's stamp is never below a row already recorded,
   * and a row recorded after a listing started is stamped at least one past it.
   */
  private lastListingStart = Number.NEGATIVE_INFINITY;
  private lastRecorded = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly facts: PairSettingsStore,
  ) {
    this.sql = new StatementCache(db);
  }

  /**
   * The stamp of a full listing asked for now: every row recorded before this call is at or below it,
   * every row recorded after it above it. Pass it to `replaceWith` as `listedSince`.
   */
  listingStartsNow(now: number): number {
    this.lastListingStart = Math.max(now, this.lastRecorded, this.lastListingStart);
    return this.lastListingStart;
  }

  /**
   * Starts a full listing: its batches are staged beside the mirror (staged-listing.ts) and replace
   * it only through `replaceWith`. `displayPath` turns a remote name into the path people see.
   */
  beginListing(displayPath: (name: string) => string): StagedListing {
    return new StagedListing(this.db, displayPath);
  }

  /**
   * Replaces the mirror with a staged listing, writing only what changed, and keeps the remote's tag
   * for it; returns how many keys appeared and disappeared and how many the listing held. Call it
   * inside the refresh's transaction, so readers see the old list or the new one, never half of each.
   * Rows our own uploads wrote after `listedSince` stay (StagedListing.commit); the tag is kept only
   * when there were none, since the mirror is otherwise not exactly the tagged listing.
   */
  replaceWith(
    listing: StagedListing,
    version: string | null,
    listedSince: number,
  ): { added: number; removed: number; listed: number } {
    const { added, removed, listed, newer } = listing.commit(listedSince);
    this.setListingVersion(newer === 0 ? version : null);
    return { added, removed, listed };
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
    // Read first: a write per upload (nearly always of a version already dropped) dirtied the pair
    // table's page in every group commit.
    if (this.listingVersion() !== null) this.setListingVersion(null);
    const seenAt = Math.max(now, this.lastListingStart + 1);
    this.lastRecorded = Math.max(this.lastRecorded, seenAt);
    const display = storedDisplayPath(entry.name, displayPath);
    this.sql
      .get(
        `INSERT INTO remote_files (key, name, display_path, size, last_modified, md5, sha256,
           processing, processing_error, seen_at)
         VALUES (@key, @name, @displayPath, @size, @lastModified, @md5, @sha256, @processing,
           @processingError, @now)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, display_path = excluded.display_path,
           size = excluded.size, last_modified = excluded.last_modified, md5 = excluded.md5,
           sha256 = excluded.sha256, seen_at = excluded.seen_at,
           processing = coalesce(excluded.processing, processing),
           processing_error = CASE WHEN excluded.processing IS NULL THEN processing_error
             ELSE excluded.processing_error END`,
      )
      .run({
        key: entry.key,
        name: entry.name,
        size: entry.size,
        lastModified: entry.lastModified,
        md5: entry.md5,
        sha256: entry.sha256,
        // Unknown (not given) keeps what the mirror knew of a copy that was already there.
        processing: entry.processing?.status ?? null,
        processingError: entry.processing?.error ?? null,
        displayPath: display,
        now: seenAt,
      });
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

  /** Whether any listed file is still being processed by the remote (a sooner listing shows the outcome). */
  hasPendingProcessing(): boolean {
    return (
      this.sql.get("SELECT 1 FROM remote_files WHERE processing = 'pending' LIMIT 1").get() !== undefined
    );
  }

  count(): number {
    return (this.sql.get('SELECT count(*) AS n FROM remote_files').get() as { n: number }).n;
  }
}
