import type { PairSettings } from '../../shared/sync-types.js';
import type { EngineContext } from './engine-context.js';
import { hashPendingFile, type HashOutcome } from './hash-pending-file.js';
import type { LocalFile } from './state/local-files.js';
import { toSyncError } from './sync-error.js';
import { uploadFile, type UploadOutcome } from './upload/file-uploader.js';
import { HeldBodies, SMALL_BODY_BYTES } from './upload/held-bodies.js';
import { TicketPrefetch } from './upload/ticket-prefetch.js';
import type { ProgressTracker } from './upload/progress-tracker.js';
import { TransferSlots } from './upload/transfer-slots.js';
import { bothGates, type ByteGate, type TransferGate } from './upload/upload-budget.js';
import { UnsettledFiles } from './unsettled-files.js';
import { WorkSignal } from './work-signal.js';

/** The pipeline's world: the engine's, plus the transfer pacing and the callbacks it reports to. */
export interface PipelineDeps extends EngineContext {
  limiter: ByteGate;
  /** The app-wide transfer slots several folders share; absent for a pair on its own. */
  sharedSlots?: TransferGate;
  progress: ProgressTracker;
  settleMs: number;
  settings: () => PairSettings;
  onUploadOutcome: (file: LocalFile, outcome: UploadOutcome) => void;
  onProgress: () => void;
}

// How many paths of the upload queue's head are read at once (see nextUpload).
const NOMINATED_AT_ONCE = 64;

// An unexpected hashing failure (not an unreadable file, which hash-file handles) waits this long.
const HASH_FAILURE_RETRY_MS = 60_000;

/**
 * Hashing and uploading, overlapped: the hash loop feeds the worker pool with settled pending files
 * while upload workers take hashed files as they appear. `run` returns when both queues hold nothing
 * that can be done now. Which files wait is read from the DB each time, never kept in a second list:
 * the upload queue's head is remembered only as hints whose rows are read again (nextUpload).
 */
export class SyncPipeline {
  private readonly wake = new WorkSignal();
  private readonly hashing = new Set<string>();
  private readonly uploading = new Set<string>();
  private readonly uploadingContent = new Set<string>();
  private readonly counted = new Set<string>();
  private readonly unsettled: UnsettledFiles;
  private hashActive = false;
  /** The bytes of small hashed files, waiting for their upload (one run's; see held-bodies.ts). */
  private bodies = new HeldBodies(0);
  /** Tickets asked for in batches, one run's (see ticket-prefetch.ts). */
  private tickets: TicketPrefetch | undefined;
  /** Paths at the head of the upload queue when it was last read, and how many were taken (nextUpload). */
  private nominees: string[] = [];
  private nominated = 0;

  constructor(private readonly deps: PipelineDeps) {
    this.unsettled = new UnsettledFiles(deps, deps.settleMs);
  }

  /** Wakes idle upload workers: new work may exist, or the run is being stopped. */
  notify(): void {
    this.wake.notify();
  }

  async run(): Promise<void> {
    this.deps.state.files.promoteDueRetries(this.deps.clock.now());
    this.deps.state.partHashes.prune();
    this.nominees = [];
    this.nominated = 0;
    for (const file of this.deps.state.files.queuedSizes()) this.count(file);
    // Memory for held bodies: one small file's worth per transfer.
    this.bodies = new HeldBodies(Math.max(1, this.deps.settings().concurrency) * SMALL_BODY_BYTES);
    const { provider, root, clock } = this.deps;
    this.tickets = new TicketPrefetch({ provider, files: this.deps.state.files, root, clock });
    try {
      await Promise.all([this.hashLoop(), this.uploadLoop()]);
    } finally {
      this.bodies.clear();
      this.tickets = undefined;
    }
  }

  /** The batch is over: totals start from zero next time. */
  endBatch(): void {
    this.counted.clear();
  }

  private get stopped(): boolean {
    return this.deps.signal().aborted;
  }

  private async hashLoop(): Promise<void> {
    this.hashActive = true;
    const running = new Set<Promise<void>>();
    // Enough requests queued to keep every worker busy while results are recorded.
    const limit = Math.max(2, this.deps.hasher.size * 2);
    try {
      while (!this.stopped) {
        const cutoff = this.deps.clock.now() - this.deps.settleMs;
        const batch = this.deps.state.files
          .pendingSettled(cutoff, limit * 2)
          .filter((file) => !this.hashing.has(file.path));
        if (batch.length === 0) {
          if (running.size === 0) break;
          await Promise.race(running);
          continue;
        }
        for (const file of batch) {
          while (running.size >= limit) await Promise.race(running);
          const small = file.size <= SMALL_BODY_BYTES;
          if (small) await this.roomFor(file.size);
          if (this.stopped) break;
          const bodies = this.bodies;
          if (small) bodies.reserve(file.size);
          this.hashing.add(file.path);
          this.count(file);
          const task: Promise<void> = this.hashOne(file).finally(() => {
            if (small) bodies.unreserve(file.size);
            this.hashing.delete(file.path);
            running.delete(task);
            this.wake.notify();
          });
          running.add(task);
        }
      }
      await Promise.allSettled(running);
    } finally {
      this.hashActive = false;
      this.wake.notify();
    }
  }

  /**
   * Hashing a small file waits until its bytes fit among the held bodies, so the hash loop runs no
   * further ahead of the uploads than they hold: a hash far ahead would find no room, and its upload
   * would read the file again. It waits only while an upload is under way (each one's end wakes
   * it); with none, the held bodies are not being taken: those of files no longer waiting for an
   * upload (changed, deleted) are dropped, and if the rest are waiting for workers about to start,
   * the loop looks again on the next turn.
   */
  private async roomFor(size: number): Promise<void> {
    const files = this.deps.state.files;
    while (!this.bodies.hasRoom(size) && !this.stopped) {
      if (this.uploading.size > 0) {
        await this.wake.wait();
        continue;
      }
      this.bodies.dropUnless((path, body) => {
        const row = files.get(path);
        return row !== null && row.state === 'hashed' && row.md5 === body.md5;
      });
      if (this.bodies.hasRoom(size)) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async hashOne(file: LocalFile): Promise<void> {
    const { deps } = this;
    let outcome: HashOutcome;
    try {
      outcome = await hashPendingFile({ ...deps, bodies: this.bodies }, file, deps.signal());
    } catch (error) {
      if (this.stopped) return;
      const syncError = toSyncError(error);
      deps.report('failed', file.path, `Hashing failed: ${syncError.message}`, syncError.detail);
      deps.state.files.setState(file.path, 'retrying', deps.clock.now(), {
        message: syncError.message,
        category: 'local-file',
        reason: 'unreadable',
        retryAt: deps.clock.now() + HASH_FAILURE_RETRY_MS,
        attempts: file.attempts + 1,
      });
      outcome = 'unreadable';
    }
    if (outcome === 'requeued' && this.unsettled.changedWhileRead(file)) outcome = 'unreadable';
    if (outcome === 'unchanged-content' || outcome === 'deleted' || outcome === 'unreadable') {
      deps.progress.finished(file.size);
    }
    deps.onProgress();
  }

  private async uploadLoop(): Promise<void> {
    const concurrency = Math.max(1, this.deps.settings().concurrency);
    const own = new TransferSlots(concurrency);
    const slots = this.deps.sharedSlots ? bothGates(own, this.deps.sharedSlots) : own;
    // Twice as many workers as transfers: while `concurrency` bodies are on the wire, as many other
    // files are being checked, ticketed or recorded, so no transfer slot waits for those round trips.
    const workers = concurrency * 2;
    await Promise.all(Array.from({ length: workers }, () => this.uploadWorker(slots)));
  }

  private async uploadWorker(transferSlots: TransferGate): Promise<void> {
    while (!this.stopped) {
      const file = this.nextUpload();
      if (!file) {
        // Work can still appear: from hashing, or from a twin upload finishing (see nextUpload).
        if (!this.hashActive && this.uploading.size === 0) return;
        await this.wake.wait();
        continue;
      }
      this.uploading.add(file.path);
      if (file.md5 !== null) this.uploadingContent.add(file.md5);
      this.count(file);
      try {
        const { bodies, tickets } = this;
        const outcome = await uploadFile(
          { ...this.deps, transferSlots, bodies, ...(tickets ? { tickets } : {}) },
          file,
        );
        if (outcome.kind === 'requeued') this.unsettled.changedWhileRead(file);
        else if (outcome.kind === 'uploaded' || outcome.kind === 'existing')
          this.unsettled.settled(file.path);
        this.deps.onUploadOutcome(file, outcome);
      } finally {
        this.uploading.delete(file.path);
        if (file.md5 !== null) this.uploadingContent.delete(file.md5);
        this.wake.notify();
      }
    }
  }

  /**
   * The next hashed file, skipping identical content already in flight: the remote may then dedupe it.
   *
   * The queue's head is read as paths from the index, a few dozen at a time, and each file's row by
   * its key when its turn comes: reading the head's whole row through the index for every upload cost
   * ~90 µs a file in a 3,000-file sync, the index's paths and the row by key ~20 µs together. A path
   * read earlier is only a hint: the row read now decides (still hashed, not in flight); a file hashed
   * meanwhile that sorts earlier waits at most until the hints run out.
   */
  private nextUpload(): LocalFile | undefined {
    const files = this.deps.state.files;
    const free = (file: { path: string; md5: string | null }): boolean =>
      !this.uploading.has(file.path) && !this.uploadingContent.has(file.md5 ?? '');
    const take = (): LocalFile | undefined => {
      while (this.nominated < this.nominees.length) {
        const path = this.nominees[this.nominated++] as string;
        const file = files.get(path);
        if (file !== null && file.state === 'hashed' && free(file)) return file;
      }
      return undefined;
    };
    const hinted = take();
    if (hinted !== undefined) return hinted;
    // Wider only when all of them are twins of content in flight.
    for (const limit of [NOMINATED_AT_ONCE, 1000]) {
      const head = files.hashedHeads(limit);
      this.nominees = head.filter(free).map((file) => file.path);
      this.nominated = 0;
      const next = take();
      if (next !== undefined || head.length < limit) return next;
    }
    return undefined;
  }

  /** Counts a file into the batch's totals once, however often it passes through. */
  private count(file: { path: string; size: number }): void {
    if (this.counted.has(file.path)) return;
    this.counted.add(file.path);
    this.deps.progress.queued(file.size);
  }
}
