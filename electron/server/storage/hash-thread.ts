import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../base/worker-entry.js';
import { InlineHasher, type BlockHasher, type Digests } from './block-hasher.js';
import type { FromHashThread, ToHashThread } from './hash-thread-protocol.js';

// Set when a hash thread could not even start (a host that forbids threads): hash on the event loop.
let threadsUnavailable = false;

/** A hasher for one large upload: a session on the shared hash thread, or inline when there is none. */
export function startHasher(sha256: boolean): BlockHasher {
  if (!threadsUnavailable) {
    try {
      return hashThread().session(sha256);
    } catch {
      threadsUnavailable = true;
    }
  }
  return new InlineHasher(sha256);
}

interface Pending {
  resolve: (block: ArrayBuffer) => void;
  reject: (error: unknown) => void;
}

/** The state of one upload on the hash thread, as the event loop sees it. */
class WorkerSession implements BlockHasher {
  /** One entry per block lent and not yet handed back; the thread answers them in order. */
  readonly updates: Pending[] = [];
  digestWaiter: { resolve: (digests: Digests) => void; reject: (error: unknown) => void } | null = null;

  constructor(
    private readonly thread: HashThread,
    readonly id: number,
    sha256: boolean,
  ) {
    thread.post({ op: 'open', id, sha256 });
  }

  update(block: ArrayBuffer, length: number): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      this.updates.push({ resolve, reject });
      this.thread.post({ op: 'update', id: this.id, block, length }, [block]);
    });
  }

  digest(): Promise<Digests> {
    return new Promise((resolve, reject) => {
      this.digestWaiter = { resolve, reject };
      this.thread.post({ op: 'digest', id: this.id });
    });
  }

  dispose(): void {
    if (this.thread.forget(this)) this.thread.post({ op: 'drop', id: this.id });
  }

  fail(error: unknown): void {
    for (const update of this.updates.splice(0)) update.reject(error);
    this.digestWaiter?.reject(error);
    this.digestWaiter = null;
  }
}

/**
 * One worker thread (hash-thread-worker.ts) for the whole process, started by the first upload
 * larger than a block. It is referenced only while uploads use it, so an idle server (or a test) can
 * exit with it still running. If it dies, the uploads using it fail and the next upload starts a new
 * one; if it dies before its module has even loaded (a host without threads, a bundle without the
 * worker's file), later uploads hash on the event loop instead of failing one by one.
 */
class HashThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, WorkerSession>();
  private nextId = 1;
  private started = false;
  dead = false;

  constructor() {
    const { url, execArgv } = workerEntry(import.meta.url, 'hash-thread-worker');
    // Not the server's own flags (an --inspect port, a test runner's loaders): only what the entry needs.
    this.worker = new Worker(url, { execArgv: execArgv ?? [] });
    this.worker.unref();
    this.worker.on('message', (message: FromHashThread) => this.receive(message));
    this.worker.on('error', (error) => {
      if (!this.started) threadsUnavailable = true;
      this.die(error);
    });
    this.worker.on('exit', (code) => this.die(new Error(`The upload hash thread exited with code ${code}`)));
  }

  session(sha256: boolean): WorkerSession {
    const id = this.nextId++;
    if (this.sessions.size === 0) this.worker.ref();
    const session = new WorkerSession(this, id, sha256);
    this.sessions.set(id, session);
    return session;
  }

  post(message: ToHashThread, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Ends a session on this side; returns whether it was still open. */
  forget(session: WorkerSession): boolean {
    const known = this.sessions.delete(session.id);
    if (known && this.sessions.size === 0 && !this.dead) this.worker.unref();
    return known;
  }

  private receive(message: FromHashThread): void {
    // Not 'online': that comes before the module loads, so a missing module would look started.
    if (message.op === 'ready') {
      this.started = true;
      return;
    }
    const session = this.sessions.get(message.id);
    if (!session) return;
    if (message.op === 'updated') {
      session.updates.shift()?.resolve(message.block);
      return;
    }
    this.forget(session);
    session.digestWaiter?.resolve({ md5Hex: message.md5Hex, sha256Hex: message.sha256Hex });
    session.digestWaiter = null;
  }

  private die(error: unknown): void {
    if (this.dead) return;
    this.dead = true;
    if (sharedThread === this) sharedThread = null;
    for (const session of this.sessions.values()) session.fail(error);
    this.sessions.clear();
    void this.worker.terminate().catch(() => undefined);
  }
}

let sharedThread: HashThread | null = null;

function hashThread(): HashThread {
  if (sharedThread === null || sharedThread.dead) sharedThread = new HashThread();
  return sharedThread;
}
