/**
 * The page cache of a connection when nothing says otherwise: better-sqlite3 builds SQLite with
 * `SQLITE_DEFAULT_CACHE_SIZE=-16000` (16,000 KiB; SQLite's own default is 2,000), for the main and
 * the temp DB each. A pair opened alone (the CLI) keeps it.
 */
export const SQLITE_DEFAULT_CACHE_KIB = 16_000;

/** Page cache for every folder's state DB together, when an app syncs several: what one folder alone has. */
export const APP_STATE_CACHE_KIB = SQLITE_DEFAULT_CACHE_KIB;

/** No share is smaller: below this, a scan's lookups miss the B-tree's inner pages. */
export const MIN_STATE_CACHE_KIB = 256;

/** One folder's part of the budget: its size now and, until `leave`, each later change of it. */
export interface StateCacheShare {
  readonly kib: number;
  /** `apply` is called with the new size whenever folders join or leave (not with the current one). */
  follow(apply: (kib: number) => void): void;
  leave(): void;
}

/**
 * One SQLite page-cache budget for the state DBs of every folder the app has open, instead of up to
 * 16,000 KiB for each: measured on 5 folders of 2,000 files (docs/benchmarks.md, "Several folders"),
 * each folder's connection kept ~5 MB of malloc'd memory that stayed with the process, most of it
 * its page cache (filled at open by quick_check, which reads the whole file, then by the scan and
 * the staged listing), and a folder of 10,000 files fills all 16 MB. The budget is divided evenly
 * among the open folders (never below MIN_STATE_CACHE_KIB each) and re-divided as folders open and
 * close, so ten folders cache as much as one. A dropped page is read again from the operating
 * system's file cache, not the disk.
 */
export class StateCacheBudget {
  private readonly members = new Set<{ apply: ((kib: number) => void) | null }>();
  private current: number;

  constructor(
    readonly totalKib = APP_STATE_CACHE_KIB,
    readonly minKib = MIN_STATE_CACHE_KIB,
  ) {
    this.current = this.shareFor(1);
  }

  /** What each open folder's connection may cache now. */
  get shareKib(): number {
    return this.current;
  }

  /** A folder opens: its share, with everyone's shrunk to make room. */
  join(): StateCacheShare {
    const member: { apply: ((kib: number) => void) | null } = { apply: null };
    this.members.add(member);
    this.redivide();
    let left = false;
    return {
      kib: this.current,
      follow: (apply) => {
        member.apply = apply;
      },
      leave: () => {
        if (left) return;
        left = true;
        this.members.delete(member);
        this.redivide();
      },
    };
  }

  private shareFor(count: number): number {
    return Math.min(SQLITE_DEFAULT_CACHE_KIB, Math.max(this.minKib, Math.floor(this.totalKib / count)));
  }

  private redivide(): void {
    const share = this.shareFor(Math.max(1, this.members.size));
    if (share === this.current) return;
    this.current = share;
    for (const member of this.members) member.apply?.(share);
  }
}
