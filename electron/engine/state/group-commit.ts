import type { Db } from './state-db.js';

/** When a group of writes is committed: after this long, or after this many write statements. */
export interface GroupCommitOptions {
  maxDelayMs: number;
  maxWrites: number;
}

// ~50 ms keeps what a crash can lose to a blink of work (the files involved are simply done again),
// and a sync of small files makes ~13 writes per file: 2,000 writes is ~150 files, a bound on the
// size of one commit (the WAL grows by what it holds) well above what 50 ms sees at full speed.
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxDelayMs: 50, maxWrites: 2000 };

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit for one pair's state DB (issue 18): while it is on, the first write after a commit
 * opens a transaction (BEGIN IMMEDIATE) that every later write of this connection joins, and that
 * transaction is committed after `maxDelayMs`, after `maxWrites` writes, or as soon as someone needs
 * it durable (`committed()`: the engine asks before every request that changes the remote, see
 * engine/commit-before-remote.ts). The engine made ~5 commits per uploaded file; each costs SQLite
 * its locks and a WAL append of every page it touched, most of them the same pages file after file.
 *
 * Why a crash loses nothing that matters: the commits go in order, so what a SIGKILL leaves on disk
 * is always the state as it was at some earlier instant, and since nothing is sent to the remote
 * before what was written until then is committed, the remote holds nothing that state at that
 * instant did not already allow for. The full reasoning is in docs/architecture.md ("Group commit").
 *
 * Readers of this connection (the engine, the UI in the same process) see the uncommitted writes;
 * other connections (`hoist status` in another process) see them at most `maxDelayMs` later. After
 * any SQLite error (`fail`) the open group is rolled back and no write or barrier is accepted again:
 * its later writes would land on a state missing the lost ones.
 */
export class GroupCommit {
  private options: GroupCommitOptions | null = null;
  private open = false;
  private writes = 0;
  /** Write statements since the group commit started, and how many of them are committed. */
  private written = 0;
  private durable = 0;
  /** How deep inside `db.transaction` callbacks the code runs: no commit may happen there. */
  private depth = 0;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private waiters: Waiter[] = [];
  private failure: Error | null = null;
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  /** `db` unguarded: this reports its own errors to `onSqliteError`, which must call `fail`. */
  constructor(
    private readonly db: Db,
    private readonly onSqliteError: (error: Error) => void,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** From now on, writes are grouped. */
  start(options: GroupCommitOptions = DEFAULT_GROUP_COMMIT): void {
    this.options = options;
  }

  /** Called before every statement that may write (guarded-db.ts); opens a group if none is open. */
  beforeWrite(): void {
    const options = this.options;
    if (options === null) return;
    if (this.failure !== null) throw this.failure;
    if (this.open && !this.db.inTransaction) {
      // SQLite rolled the group back itself (it does on some I/O errors); the error was reported.
      const lost = new Error('The state DB rolled back writes not yet committed');
      this.onSqliteError(lost);
      this.fail(lost);
      throw lost;
    }
    if (!this.open) {
      // Inside a transaction someone began without us: it commits itself.
      if (this.db.inTransaction) return;
      this.runOwn(this.begin);
      this.open = true;
      this.timer = setTimeout(() => this.commitNow(), options.maxDelayMs);
    }
    this.written++;
    if (++this.writes >= options.maxWrites) this.commitSoon();
  }

  /** Where the writes are now: give it to `committedThrough` to wait for what was written until here. */
  mark(): number {
    return this.written;
  }

  /** Runs `work` (a `db.transaction` function) as part of the open group, where no commit happens. */
  inTransaction<T>(work: () => T): T {
    this.beforeWrite();
    this.depth++;
    try {
      return work();
    } finally {
      this.depth--;
    }
  }

  /** Resolves once every write made before this call is committed; rejects after a failure. */
  committed(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.commitSoon();
    });
  }

  /**
   * Resolves once the writes made before `mark()` returned `mark` are committed: at once when an
   * earlier commit took them, without committing what was written since. Rejects after a failure.
   */
  committedThrough(mark: number): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.open || mark <= this.durable) return Promise.resolve();
    return this.committed();
  }

  /** Commits the open group now (closing, stopping); a no-op when none is open or after a failure. */
  commitNow(): void {
    this.clearTimers();
    if (this.failure !== null) return this.dropFailedGroup();
    if (!this.open) return this.settleWaiters();
    if (this.depth > 0) {
      // Called from inside a transaction callback: the group is committed right after it.
      this.commitSoon();
      return;
    }
    try {
      this.runOwn(this.commit);
    } catch {
      return; // runOwn reported it, and `fail` rejected the waiters.
    }
    this.open = false;
    this.writes = 0;
    this.durable = this.written;
    this.settleWaiters();
  }

  /**
   * A SQLite error anywhere on this connection: the open group may be gone (SQLite rolls back on
   * some errors) or hold a write that half failed, so it is rolled back, and nothing more is taken.
   */
  fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.clearTimers();
    this.open = false;
    this.dropFailedGroup();
  }

  /**
   * A failure met inside a transaction callback left the group's transaction open (only the
   * callback's savepoint was rolled back): rolled back at the next chance, so it holds no lock.
   */
  private dropFailedGroup(): void {
    if (this.db.inTransaction && this.depth === 0) {
      try {
        this.rollback.run();
      } catch {
        // Closing the connection rolls it back all the same.
      }
    }
    this.settleWaiters();
  }

  private commitSoon(): void {
    this.soon ??= setImmediate(() => {
      this.soon = null;
      this.commitNow();
    });
  }

  private runOwn(statement: { run(...params: unknown[]): unknown }): void {
    try {
      statement.run();
    } catch (error) {
      this.onSqliteError(error as Error);
      this.fail(error as Error);
      throw error;
    }
  }

  private settleWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (this.failure === null) waiter.resolve();
      else waiter.reject(this.failure);
    }
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.soon !== null) clearImmediate(this.soon);
    this.timer = null;
    this.soon = null;
  }
}
