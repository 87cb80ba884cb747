import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../base/worker-entry.js';
import { placeBlobs, type Placement, type PlacementResult } from './blob-placement.js';
import type { FromBlobWriter, ToBlobWriter } from './blob-writer-protocol.js';

// Set when the writer thread could not even start (a host that forbids threads): place blobs from the
// event loop instead (the writes block it briefly; the fsyncs go to the libuv pool).
let threadsUnavailable = false;
const inlineKnownDirectories = new Set<string>();

/** Puts a batch of blobs in place (blob-placement.ts) on the shared writer thread. */
export function placeBlobBatch(
  root: string,
  fsync: boolean,
  placements: Placement[],
): Promise<PlacementResult[]> {
  if (!threadsUnavailable) {
    try {
      return writerThread().place(root, fsync, placements);
    } catch {
      threadsUnavailable = true;
    }
  }
  return placeBlobs(root, fsync, placements, inlineKnownDirectories);
}

interface Waiter {
  resolve: (results: PlacementResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * One worker thread (blob-writer-worker.ts) for the whole process, referenced only while a batch is
 * on it, so an idle server (or a test) can exit with it running. If it dies, the batches on it fail
 * (their uploads are answered with an error, nothing recorded) and the next batch starts a new one.
 */
class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private started = false;
  dead = false;

  constructor() {
    const { url, execArgv } = workerEntry(import.meta.url, 'blob-writer-worker');
    this.worker = new Worker(url, { execArgv: execArgv ?? [] });
    this.worker.unref();
    this.worker.on('message', (message: FromBlobWriter) => this.receive(message));
    this.worker.on('error', (error) => {
      if (!this.started) threadsUnavailable = true;
      this.die(error);
    });
    this.worker.on('exit', (code) => this.die(new Error(`The blob writer thread exited with code ${code}`)));
  }

  place(root: string, fsync: boolean, placements: Placement[]): Promise<PlacementResult[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, root, fsync, placements } satisfies ToBlobWriter);
    });
  }

  private receive(message: FromBlobWriter): void {
    if (message.op === 'ready') {
      this.started = true;
      return;
    }
    const waiter = this.waiting.get(message.id);
    if (waiter === undefined) return;
    this.waiting.delete(message.id);
    if (this.waiting.size === 0) this.worker.unref();
    waiter.resolve(message.results);
  }

  private die(error: unknown): void {
    if (this.dead) return;
    this.dead = true;
    if (sharedThread === this) sharedThread = null;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    void this.worker.terminate().catch(() => undefined);
  }
}

let sharedThread: WriterThread | null = null;

function writerThread(): WriterThread {
  if (sharedThread === null || sharedThread.dead) sharedThread = new WriterThread();
  return sharedThread;
}
