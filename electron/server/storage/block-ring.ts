import type { BlockHasher, Digests } from './block-hasher.js';
import type { FileOutput } from './file-output.js';

// Hash and write calls cost about the same per call whatever the size, so bodies move in blocks of about
// 1 MiB (MD5 over 64 KiB socket chunks is ~10% slower). Not exactly 1 MiB: on the build machine (a VM,
// Linux 6.18) writes of exactly 1 MiB at 1 MiB-aligned offsets get large page-cache folios whose first
// touch costs 1-3 s of system time per GiB, against 0.3-0.4 s for 1 MiB − 4 KiB blocks (measured with
// 1 GiB of positioned writes, several rounds). Elsewhere the size makes no measurable difference.
export const BLOCK_BYTES = 1024 * 1024 - 4096;
// Blocks of one large upload in memory at once: one filling from the socket while the others are
// hashed or written. 2, 4 and 8 measured the same within noise (1 GiB in-process runs); 4 leaves the
// hash thread a few blocks of slack when it is scheduled late, for 4 MiB per upload.
const RING_BLOCKS = 4;
// Free blocks kept between uploads, shared by all of them: a new upload (each part of a multipart
// upload is one) reuses these instead of allocating its own. Measured with 4 concurrent 8 MiB part
// PUTs against `hoist remote` in its own process: with a ring allocated per upload, every part left
// 4 MiB of blocks behind that had outlived a young-generation GC and waited for a full one (V8 runs
// it once external memory has grown by ~64 MiB), a large share of the server's peak RSS.
const POOLED_BLOCKS = 16;
const pool: ArrayBuffer[] = [];

/** Free blocks in the shared pool now (for tests). */
export function pooledBlockCount(): number {
  return pool.length;
}

function giveBack(block: ArrayBuffer): void {
  // A detached block (lent to a thread that died) has length 0.
  if (block.byteLength === BLOCK_BYTES && pool.length < POOLED_BLOCKS) pool.push(block);
}

/**
 * The large-body pipeline. Each block goes fill → hash (on the hash thread, which owns it meanwhile)
 * → write → free. At most `RING_BLOCKS` exist; when none is free, `append` waits, the socket stops
 * being read and TCP slows the client down. Blocks come from, and go back to, a pool shared by all
 * uploads: a finished or abandoned upload returns every block it holds.
 */
export class BlockRing {
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
    this.release();
    return this.hasher.digest();
  }

  /** Stops using the hasher; writes in flight are awaited by the caller through the FileOutput. */
  abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.hasher.dispose();
    this.release();
  }

  /** Returns the blocks not lent out; blocks still with the hasher or the disk follow when they return. */
  private release(): void {
    if (this.current !== null) giveBack(this.current.buffer as ArrayBuffer);
    this.current = null;
    this.filled = 0;
    for (const block of this.free.splice(0)) giveBack(block);
  }

  private async takeBlock(): Promise<Buffer> {
    await this.waitFor(() => this.free.length > 0 || this.allocated < RING_BLOCKS);
    const block = this.free.pop();
    if (block !== undefined) return Buffer.from(block);
    this.allocated++;
    return Buffer.from(pool.pop() ?? new ArrayBuffer(BLOCK_BYTES));
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
        if (this.abandoned) giveBack(returned);
        else this.free.push(returned);
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
