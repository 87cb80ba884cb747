import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SyncError } from '../sync-error.js';
import { workerEntry } from '../../base/worker-entry.js';
import { hashFileSync } from './hash-file.js';
import type { HashJobMessage, HashReplyMessage, HashRequest, HashResult } from './hash-protocol.js';

export type { HashRequest, HashResult } from './hash-protocol.js';

/**
 * The size up to which the engine hashes a file on its own thread (HasherPool's `inlineUpTo`): the
 * small files of a typical folder (the 1–64 KiB the benchmarks use), whose hash costs less than the
 * round trip to a worker, and blocks the event loop for ~0.1 ms at most. Larger files go to the
 * workers, where the hash is the bigger cost and the event loop stays free.
 */
export const INLINE_HASH_BYTES = 64 * 1024;

/** What `hash()` rejects with once the pool is closing: shutdown, not a problem with the file. */
export class HasherPoolClosedError extends Error {
  constructor(absolutePath?: string) {
    super(
      absolutePath === undefined
        ? 'The hasher pool is closed.'
        : `The hasher pool was closed before "${absolutePath}" was hashed.`,
    );
    this.name = 'HasherPoolClosedError';
  }
}

interface Job {
  id: number;
  request: HashRequest;
  resolve: (result: HashResult) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  /** The job the worker is running, or null when idle. Stays set after an abort until the worker answers. */
  job: Job | null;
  /** The error the worker died of, reported with its exit. */
  error: Error | undefined;
}

/**
 * Hashes files in worker threads (MD5, plus SHA-256 in the same pass when asked), so the engine's
 * event loop never hashes a large file. Up to `size` workers, started on demand; requests beyond that
 * queue in order. An idle worker does not keep the process alive; a busy one does, until it answers.
 *
 * A file expected to be at most `inlineUpTo` bytes is hashed on the calling thread instead: the
 * round trip to a worker costs more CPU than hashing it (measured on 3,000 files of 1–64 KiB: 182 µs
 * per file through the pool, 31 µs of it on the engine's thread, against 84 µs inline; see
 * docs/benchmarks.md). The read is bounded: a file whose stat is no longer the expected one is
 * reported as changed before anything is read.
 *
 * - An aborted signal removes a queued request; a running one finishes in its worker, but the
 *   promise rejects with the signal's reason at once and the result is dropped.
 * - A worker that dies (a crash, or failing to start) rejects its request with a retryable
 *   SyncError and is replaced by the next request that needs a worker — never a hang, and a worker
 *   that cannot start at all fails each request once instead of respawning in a loop.
 * - `close()` terminates the workers and rejects everything pending with HasherPoolClosedError.
 */
export class HasherPool {
  /** The most workers this pool runs at once. */
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;
  private counters = { filesHashed: 0, bytesHashed: 0 };
  /**
   * One 'abort' listener per signal, however many requests share it (the engine passes one signal
   * to every request): a listener per request would trip Node's MaxListenersExceededWarning.
   */
  private readonly watched = new Map<AbortSignal, { jobs: Set<Job>; listener: () => void }>();
  /** Files expected at most this size are hashed on the calling thread (0: never). */
  private readonly inlineUpTo: number;
  /** The read buffer of inline hashes, made on the first one. */
  private inlineBuffer: Buffer | undefined;

  constructor(options: { size?: number; inlineUpTo?: number } = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`HasherPool size must be ≥ 1, not ${size}`);
    this.size = size;
    this.inlineUpTo = options.inlineUpTo ?? 0;
  }

  /**
   * Counted from the workers' answers: `filesHashed` counts `hashed` results, `bytesHashed` every
   * byte a worker read and hashed — also for results dropped because the file changed or the caller
   * aborted — so an unchanged `bytesHashed` proves nothing was read.
   */
  get stats(): { readonly filesHashed: number; readonly bytesHashed: number } {
    return { ...this.counters };
  }

  hash(request: HashRequest, signal?: AbortSignal): Promise<HashResult> {
    if (this.closed) return Promise.reject(new HasherPoolClosedError(request.absolutePath));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (request.expected !== undefined && request.expected.size <= this.inlineUpTo) {
      return this.hashInline(request);
    }
    return new Promise<HashResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        // A copy: the request is sent when a worker is free, and must be what was asked for now.
        request: {
          absolutePath: request.absolutePath,
          sha256: request.sha256,
          ...(request.keepBodyUpTo !== undefined ? { keepBodyUpTo: request.keepBodyUpTo } : {}),
          ...(request.partBytes !== undefined ? { partBytes: request.partBytes } : {}),
          ...(request.expected !== undefined
            ? {
                expected: {
                  size: request.expected.size,
                  mtimeMs: request.expected.mtimeMs,
                  inode: request.expected.inode,
                },
              }
            : {}),
        },
        resolve,
        reject,
        signal,
        settled: false,
      };
      if (signal !== undefined) this.watch(signal, job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** A small file hashed here, counted like a worker's; a bug in hashing rejects, as a dead worker would. */
  private hashInline(request: HashRequest): Promise<HashResult> {
    this.inlineBuffer ??= Buffer.allocUnsafe(Math.max(64 * 1024, this.inlineUpTo));
    try {
      const { result, bytesRead } = hashFileSync(request, this.inlineBuffer);
      this.count(result, bytesRead);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(
        new SyncError('local-file', `Could not hash "${request.absolutePath}": ${String(error)}`, {
          retryable: true,
          cause: error,
        }),
      );
    }
  }

  private count(result: HashResult, bytesRead: number): void {
    this.counters.bytesHashed += bytesRead;
    if (result.status === 'hashed') this.counters.filesHashed += 1;
  }

  /** Terminates the workers; pending and running requests reject with HasherPoolClosedError. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      this.settle(job, { error: new HasherPoolClosedError(job.request.absolutePath) });
    }
    const terminations: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      if (slot.job !== null)
        this.settle(slot.job, { error: new HasherPoolClosedError(slot.job.request.absolutePath) });
      slot.job = null;
      // terminate() resolves with the exit code; it cannot usefully fail, and must never go unhandled.
      terminations.push(slot.worker.terminate().catch(() => undefined));
    }
    this.slots.clear();
    this.closing = Promise.all(terminations).then(() => undefined);
    return this.closing;
  }

  private dispatch(): void {
    while (!this.closed) {
      // Requests aborted while queued are dropped here, unsent (lazily, so aborting many is O(n)).
      while (this.queue[0]?.settled === true) this.queue.shift();
      const job = this.queue[0];
      if (job === undefined) return;
      let slot = this.idleSlot();
      if (slot === undefined) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      this.queue.shift();
      slot.job = job;
      slot.worker.ref();
      const message: HashJobMessage = { id: job.id, request: job.request };
      slot.worker.postMessage(message);
    }
  }

  private idleSlot(): Slot | undefined {
    for (const slot of this.slots) if (slot.job === null) return slot;
    return undefined;
  }

  private spawn(): Slot {
    const { url, execArgv } = workerEntry(import.meta.url, 'hash-worker');
    const worker = new Worker(url, execArgv === undefined ? {} : { execArgv });
    const slot: Slot = { worker, job: null, error: undefined };
    worker.on('message', (reply: HashReplyMessage) => this.onReply(slot, reply));
    // Without an 'error' listener a crash in the worker would be thrown on this thread.
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('messageerror', (error) => {
      slot.error = error;
      void worker.terminate().catch(() => undefined);
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.add(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: HashReplyMessage): void {
    const job = slot.job;
    if (job === null || job.id !== reply.id) return; // answered after close(); nobody is waiting
    this.count(reply.result, reply.bytesRead);
    slot.job = null;
    slot.worker.unref();
    this.settle(job, { result: withBufferBody(reply.result) });
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (!this.slots.delete(slot)) return; // terminated by close()
    const job = slot.job;
    slot.job = null;
    if (job !== null) {
      const why = slot.error !== undefined ? slot.error.message : `exit code ${code}`;
      const error = new SyncError(
        'local-file',
        `Could not hash "${job.request.absolutePath}": the hashing worker stopped unexpectedly (${why}). ` +
          'It will be retried.',
        { retryable: true, detail: slot.error?.stack ?? why, cause: slot.error },
      );
      this.settle(job, { error });
    }
    this.dispatch();
  }

  private watch(signal: AbortSignal, job: Job): void {
    let entry = this.watched.get(signal);
    if (entry === undefined) {
      const jobs = new Set<Job>();
      const listener = (): void => {
        this.watched.delete(signal);
        for (const aborted of [...jobs]) this.abort(aborted);
      };
      signal.addEventListener('abort', listener, { once: true });
      entry = { jobs, listener };
      this.watched.set(signal, entry);
    }
    entry.jobs.add(job);
  }

  private unwatch(job: Job): void {
    if (job.signal === undefined) return;
    const entry = this.watched.get(job.signal);
    if (entry === undefined) return;
    entry.jobs.delete(job);
    if (entry.jobs.size === 0) {
      job.signal.removeEventListener('abort', entry.listener);
      this.watched.delete(job.signal);
    }
  }

  private abort(job: Job): void {
    // A queued job is skipped by dispatch(); a running one stays on its slot, the worker busy until
    // it answers, and onReply drops the answer.
    this.settle(job, { error: abortReason(job.signal as AbortSignal) });
  }

  private settle(job: Job, outcome: { result: HashResult } | { error: unknown }): void {
    if (job.settled) return;
    job.settled = true;
    this.unwatch(job);
    if ('result' in outcome) job.resolve(outcome.result);
    else job.reject(outcome.error);
  }
}

/** A body moved from a worker arrives as a plain Uint8Array: the same bytes, seen as a Buffer again. */
function withBufferBody(result: HashResult): HashResult {
  if (result.status !== 'hashed' || result.body === undefined || Buffer.isBuffer(result.body)) return result;
  const bytes: Uint8Array = result.body;
  return { ...result, body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The hash request was aborted.', 'AbortError');
}
