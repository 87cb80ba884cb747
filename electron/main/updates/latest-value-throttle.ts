/**
 * Delivers the latest of a stream of values at most once per interval: the first at once, then the
 * newest one at the end of each interval in which something arrived. Status events can come ten times a
 * second; rebuilding a tray menu (which on Linux re-sends the whole menu over D-Bus) that often makes it
 * flicker and close under the pointer, so the tray sees a few updates a second at most.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class LatestValueThrottle<T> {
  private pending: { value: T } | null = null;
  private timer: unknown = null;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void,
    private readonly timers: Timers = {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  ) {}

  push(value: T): void {
    if (this.timer === null) {
      this.deliver(value);
      this.startInterval();
    } else {
      this.pending = { value };
    }
  }

  /** Stops the timer; a value still waiting is dropped (the app is going away). */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private startInterval(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      const pending = this.pending;
      this.pending = null;
      if (pending !== null) this.push(pending.value);
    }, this.intervalMs);
  }
}
