import type { Clock } from '../../base/clock.js';

/**
 * A token bucket shared by all uploads of a pair: `take(n)` waits until n bytes may be sent.
 * A limit of 0 means unlimited. The bucket holds one second of tokens, so bursts stay short.
 */
export class BandwidthLimiter {
  private tokens = 0;
  private last: number;

  constructor(
    private bytesPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.last = clock.now();
    this.tokens = bytesPerSecond;
  }

  setLimit(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = Math.min(this.tokens, bytesPerSecond);
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens < 0) {
      // Debt is paid by waiting; concurrent takers queue up behind it in time, not in a list.
      await this.clock.sleep((-this.tokens / this.bytesPerSecond) * 1000, signal);
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.bytesPerSecond,
      this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond,
    );
    this.last = now;
  }
}
