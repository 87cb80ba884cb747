import type { FileHandle } from 'node:fs/promises';

// With fsync on, flush what has been written every this many bytes while the body still streams, so
// the final fsync waits for the last stretch only instead of the whole file. Durability is unchanged:
// the final fsync still happens before the file is returned.
const EARLY_SYNC_BYTES = 64 * 1024 * 1024;

/**
 * Sequential writes at explicit offsets, one in flight at a time (the file is written front to back
 * and the libuv pool stays free for everyone else), with early syncs when fsync is on.
 */
export class FileOutput {
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
