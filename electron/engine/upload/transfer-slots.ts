/**
 * How many file bodies may be on the wire at once: the upload concurrency setting. Upload workers
 * outnumber the slots so that the short steps around a transfer (a stat, asking the remote for a
 * ticket, recording the result) of some files overlap the transfers of others; the limit applies to
 * what costs bandwidth and remote capacity, like rclone's --transfers beside its --checkers.
 */
export class TransferSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(private slots: number) {
    this.free = slots;
  }

  get size(): number {
    return this.slots;
  }

  /**
   * Another size from now on (the app-wide "uploads at once" changed): bodies already on the wire
   * finish; a smaller size lets fewer start until the count is under it, a larger one starts waiters.
   */
  resize(size: number): void {
    this.free += size - this.slots;
    this.slots = size;
    while (this.free > 0) {
      const next = this.waiting.shift();
      if (!next) break;
      this.free--;
      next();
    }
  }

  /** Runs `work` in a slot, waiting for one first; an abort while waiting rejects with the signal's reason. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const granted = (): void => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = (): void => {
        const index = this.waiting.indexOf(granted);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      this.waiting.push(granted);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter; `free` only grows when nobody waits. After a
    // shrink (`free` below zero) the slot is given back instead, until the count fits the size.
    if (next && this.free >= 0) next();
    else {
      if (next) this.waiting.unshift(next);
      this.free++;
    }
  }
}
