import { createHash, randomUUID, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A body written to a temp file and verified; commit it with a blob store or discard it. */
export interface ReceivedFile {
  path: string;
  size: number;
  md5Hex: string;
  sha256Hex: string | null;
}

export interface ReceiveOptions {
  tmpDir: string;
  maxBytes: number;
  /** When set, a body with another MD5 is rejected and nothing is kept. */
  expectedMd5Hex?: string;
  sha256?: boolean;
  /** Flush to disk before returning, so a committed object survives a power cut. */
  fsync?: boolean;
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Body exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export class DigestMismatchError extends Error {
  constructor(
    readonly expectedMd5Hex: string,
    readonly actualMd5Hex: string,
  ) {
    super(`Body MD5 ${actualMd5Hex} does not match the expected ${expectedMd5Hex}`);
    this.name = 'DigestMismatchError';
  }
}

// Hash and write calls cost about the same per call whatever the size, so bodies move in blocks of about
// 1 MiB (MD5 over 64 KiB socket chunks is ~10% slower). Not exactly 1 MiB: on the build machine (a VM,
// Linux 6.18) writes of exactly 1 MiB at 1 MiB-aligned offsets get large page-cache folios whose first
// touch costs 1-3 s of system time per GiB, against 0.3-0.4 s for 1 MiB − 4 KiB blocks (measured with
// 1 GiB of positioned writes, several rounds). Elsewhere the size makes no measurable difference.
const BLOCK_BYTES = 1024 * 1024 - 4096;
// Blocks of one large upload in memory at once: one filling from the socket while the others are
// hashed or written. 2, 4 and 8 measured the same within noise (1 GiB in-process runs); 4 leaves the
// hash thread a few blocks of slack when it is scheduled late, for 4 MiB per upload.
const RING_BLOCKS = 4;
// With fsync on, flush what has been written every this many bytes while the body still streams, so
// the final fsync waits for the last stretch only instead of the whole file. Durability is unchanged:
// the final fsync still happens before the file is returned.
const EARLY_SYNC_BYTES = 64 * 1024 * 1024;

/**
 * Streams `source` into a new temp file while computing MD5 (and SHA-256 when asked), never holding more
 * than `RING_BLOCKS` blocks in memory. On any failure (size limit, digest mismatch, a client that
 * disconnects, a full disk) the temp file is removed before the error propagates, so a broken upload
 * leaves nothing behind.
 *
 * A body that fits in one block is hashed and written on the spot. A larger one goes through a few
 * reused blocks: the event loop copies socket chunks into a block, hands the full block to a worker
 * thread (transferred, not copied) to be hashed, and writes it to the file when it comes back, so MD5 —
 * the bottleneck, as fast as `md5sum` at best — runs on its own core instead of competing with the
 * socket and the disk, and hashing one block overlaps receiving the next and writing the previous.
 */
export async function receiveToTempFile(
  source: AsyncIterable<Buffer>,
  options: ReceiveOptions,
): Promise<ReceivedFile> {
  // The pid in the name tells a later start which temp files belong to a live server sharing the dir.
  const path = join(options.tmpDir, `upload-${process.pid}-${randomUUID()}.part`);
  const handle = await open(path, 'wx', 0o600);
  const sha256 = options.sha256 === true;
  const output = new FileOutput(handle, options.fsync === true);
  let ring: BlockRing | null = null;
  let first: Buffer[] = [];
  let firstBytes = 0;
  let size = 0;

  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > options.maxBytes) throw new BodyTooLargeError(options.maxBytes);
      if (ring !== null) {
        await ring.append(chunk);
        continue;
      }
      first.push(chunk);
      firstBytes += chunk.length;
      if (firstBytes >= BLOCK_BYTES) {
        // More than a block: this body is worth the pipeline.
        ring = new BlockRing(output, startHasher(sha256));
        for (const earlier of first) await ring.append(earlier);
        first = [];
        firstBytes = 0;
      }
    }
    let digests: Digests;
    if (ring !== null) {
      digests = await ring.finish();
    } else {
      const block = first.length === 1 ? (first[0] as Buffer) : Buffer.concat(first, firstBytes);
      digests = hashInline(block, sha256);
      void output.write(block, block.length, output.reserve(block.length));
      await output.drain();
    }
    if (options.expectedMd5Hex !== undefined && options.expectedMd5Hex !== digests.md5Hex) {
      throw new DigestMismatchError(options.expectedMd5Hex, digests.md5Hex);
    }
    await output.finish();
    await handle.close();
    return { path, size, md5Hex: digests.md5Hex, sha256Hex: digests.sha256Hex };
  } catch (error) {
    ring?.abandon();
    // A write still running must end before the descriptor closes (it could land in a reused one).
    await output.settle();
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

export async function discardReceivedFile(file: ReceivedFile): Promise<void> {
  await rm(file.path, { force: true });
}

interface Digests {
  md5Hex: string;
  sha256Hex: string | null;
}

function hashInline(block: Uint8Array, sha256: boolean): Digests {
  return {
    md5Hex: createHash('md5').update(block).digest('hex'),
    sha256Hex: sha256 ? createHash('sha256').update(block).digest('hex') : null,
  };
}

/**
 * Sequential writes at explicit offsets, one in flight at a time (the file is written front to back
 * and the libuv pool stays free for everyone else), with early syncs when fsync is on.
 */
class FileOutput {
  private chain: Promise<void> = Promise.resolve();
  private position = 0;
  private unsynced = 0;
  private syncing: Promise<void> | null = null;
  private failure: unknown = null;
  private stopped = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly fsync: boolean,
  ) {}

  /** The first write error, if any; later writes are skipped once one failed. */
  get error(): unknown {
    return this.failure;
  }

  /** Reserves the next `length` bytes of the file; returns their offset. */
  reserve(length: number): number {
    const position = this.position;
    this.position += length;
    return position;
  }

  /** Queues a write; the promise settles when it is done (or skipped after an earlier failure). */
  write(bytes: Uint8Array, length: number, position: number): Promise<void> {
    this.chain = this.chain.then(async () => {
      // Once stopped, the descriptor may be closed (and its number reused): never touch it again.
      if (this.failure !== null || this.stopped) return;
      try {
        await writeFully(this.handle, bytes, length, position);
        this.unsynced += length;
        if (this.fsync && this.unsynced >= EARLY_SYNC_BYTES && this.syncing === null) {
          this.unsynced = 0;
          // A failed flush must fail the upload: Linux reports a writeback error to one fsync only,
          // so the final fsync could succeed after this one lost data.
          this.syncing = this.handle.datasync().then(
            () => {
              this.syncing = null;
            },
            (error: unknown) => {
              this.failure ??= error;
              this.syncing = null;
            },
          );
        }
      } catch (error) {
        this.failure ??= error;
      }
    });
    return this.chain;
  }

  /** Waits for queued writes; throws the first write error. */
  async drain(): Promise<void> {
    await this.chain;
    if (this.failure !== null) throw this.failure;
  }

  /** After the last write: the final fsync when asked for. */
  async finish(): Promise<void> {
    await this.settle();
    if (this.failure !== null) throw this.failure;
    if (this.fsync) await this.handle.sync();
  }

  /** Refuses further writes and waits for those in flight and any early sync, without throwing. */
  async settle(): Promise<void> {
    this.stopped = true;
    await this.chain;
    await this.syncing;
  }
}

async function writeFully(
  handle: FileHandle,
  bytes: Uint8Array,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await handle.write(bytes, done, length - done, position + done);
    if (bytesWritten <= 0) throw new Error('The disk accepted no bytes');
    done += bytesWritten;
  }
}

/**
 * The large-body pipeline. Each block goes fill → hash (on the hash thread, which owns it meanwhile)
 * → write → free. At most `RING_BLOCKS` exist; when none is free, `append` waits, the socket stops
 * being read and TCP slows the client down.
 */
class BlockRing {
  private readonly free: ArrayBuffer[] = [];
  private allocated = 0;
  private current: Buffer | null = null;
  private filled = 0;
  private busy = 0;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private abandoned = false;

  constructor(
    private readonly output: FileOutput,
    private readonly hasher: BlockHasher,
  ) {}

  async append(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.current ??= await this.takeBlock();
      const copied = chunk.copy(this.current, this.filled, offset);
      offset += copied;
      this.filled += copied;
      if (this.filled === BLOCK_BYTES) this.dispatch();
    }
  }

  /** Dispatches the partial last block, waits for every block, returns the digests. */
  async finish(): Promise<Digests> {
    if (this.filled > 0) this.dispatch();
    await this.waitFor(() => this.busy === 0);
    await this.output.drain();
    return this.hasher.digest();
  }

  /** Stops using the hasher; writes in flight are awaited by the caller through the FileOutput. */
  abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.hasher.dispose();
  }

  private async takeBlock(): Promise<Buffer> {
    await this.waitFor(() => this.free.length > 0 || this.allocated < RING_BLOCKS);
    const block = this.free.pop();
    if (block !== undefined) return Buffer.from(block);
    this.allocated++;
    return Buffer.from(new ArrayBuffer(BLOCK_BYTES));
  }

  private dispatch(): void {
    const block = (this.current as Buffer).buffer as ArrayBuffer;
    const length = this.filled;
    const position = this.output.reserve(length);
    this.current = null;
    this.filled = 0;
    this.busy++;
    this.hasher
      .update(block, length)
      .then(async (returned) => {
        await this.output.write(new Uint8Array(returned, 0, length), length, position);
        if (this.output.error !== null) throw this.output.error;
        this.free.push(returned);
        this.settled();
      })
      .catch((error: unknown) => {
        this.failure ??= error;
        this.settled();
      });
  }

  private settled(): void {
    this.busy--;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async waitFor(ready: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      if (ready()) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

/** Hashes whole blocks in the order given; a block is lent to the hasher and handed back. */
interface BlockHasher {
  update(block: ArrayBuffer, length: number): Promise<ArrayBuffer>;
  digest(): Promise<Digests>;
  dispose(): void;
}

// Set when a hash thread could not even start (a host that forbids threads): hash on the event loop.
let threadsUnavailable = false;

function startHasher(sha256: boolean): BlockHasher {
  if (!threadsUnavailable) {
    try {
      return hashThread().session(sha256);
    } catch {
      threadsUnavailable = true;
    }
  }
  return new InlineHasher(sha256);
}

class InlineHasher implements BlockHasher {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash | null;

  constructor(sha256: boolean) {
    this.sha256 = sha256 ? createHash('sha256') : null;
  }

  update(block: ArrayBuffer, length: number): Promise<ArrayBuffer> {
    const view = new Uint8Array(block, 0, length);
    this.md5.update(view);
    this.sha256?.update(view);
    return Promise.resolve(block);
  }

  digest(): Promise<Digests> {
    return Promise.resolve({
      md5Hex: this.md5.digest('hex'),
      sha256Hex: this.sha256 ? this.sha256.digest('hex') : null,
    });
  }

  dispose(): void {}
}

type ToHashThread =
  | { op: 'open'; id: number; sha256: boolean }
  | { op: 'update'; id: number; block: ArrayBuffer; length: number }
  | { op: 'digest'; id: number }
  | { op: 'drop'; id: number };

type FromHashThread =
  | { op: 'updated'; id: number; block: ArrayBuffer }
  | { op: 'digest'; id: number; md5Hex: string; sha256Hex: string | null };

// The worker's whole program. Inline (eval) so it needs no file of its own: it runs the same from
// dist/, under vitest and inside Electron. Sessions are independent uploads sharing the one thread;
// blocks travel both ways as transferred ArrayBuffers (moved, never copied).
const HASH_THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const sessions = new Map();
parentPort.on('message', (message) => {
  const session = sessions.get(message.id);
  switch (message.op) {
    case 'open':
      sessions.set(message.id, {
        md5: createHash('md5'),
        sha256: message.sha256 ? createHash('sha256') : null,
      });
      break;
    case 'update': {
      if (!session) break;
      const view = new Uint8Array(message.block, 0, message.length);
      session.md5.update(view);
      if (session.sha256) session.sha256.update(view);
      parentPort.postMessage({ op: 'updated', id: message.id, block: message.block }, [message.block]);
      break;
    }
    case 'digest':
      if (!session) break;
      sessions.delete(message.id);
      parentPort.postMessage({
        op: 'digest',
        id: message.id,
        md5Hex: session.md5.digest('hex'),
        sha256Hex: session.sha256 ? session.sha256.digest('hex') : null,
      });
      break;
    case 'drop':
      sessions.delete(message.id);
      break;
  }
});
`;

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
 * One worker thread for the whole process, started by the first upload larger than a block. It is
 * referenced only while uploads use it, so an idle server (or a test) can exit with it still running.
 * If it dies, the uploads using it fail and the next upload starts a new one.
 */
class HashThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, WorkerSession>();
  private nextId = 1;
  private started = false;
  dead = false;

  constructor() {
    this.worker = new Worker(HASH_THREAD_SOURCE, { eval: true, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (message: FromHashThread) => this.receive(message));
    this.worker.once('online', () => {
      this.started = true;
    });
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
