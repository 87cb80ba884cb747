import type { Clock, Timer, TimerOptions } from '../../electron/base/clock.js';
import { abortReason } from '../../electron/base/sleep.js';

interface Scheduled {
  at: number;
  /** Ties broken by scheduling order, as Node does for timers due at the same time. */
  order: number;
  callback: () => void;
  /** Set for an interval: fires again this long after each run. */
  everyMs: number | undefined;
  background: boolean;
}

/**
 * A Clock whose time moves only when the test says so: `advance(ms)` runs every timer that falls
 * due, in order, letting promise callbacks run after each, so a chain such as "sleep, then retry,
 * then sleep again" unrolls within one `advance`.
 */
export class FakeClock implements Clock {
  private time: number;
  private order = 0;
  private readonly scheduled = new Set<Scheduled>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        timer.cancel();
        reject(abortReason(signal as AbortSignal));
      };
      const timer = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  setTimeout(callback: () => void, ms: number, options?: TimerOptions): Timer {
    return this.schedule(callback, ms, undefined, options);
  }

  setInterval(callback: () => void, ms: number, options?: TimerOptions): Timer {
    return this.schedule(callback, ms, Math.max(1, ms), options);
  }

  /** Timers waiting to fire; `background` ones (unref'ed on the system clock) left out unless asked. */
  pending(includeBackground = false): number {
    return [...this.scheduled].filter((entry) => includeBackground || !entry.background).length;
  }

  /** When the next timer fires, or undefined when none is waiting. */
  nextAt(): number | undefined {
    return this.next(Number.POSITIVE_INFINITY)?.at;
  }

  /** Moves time forward by `ms`, running each timer as its moment comes. */
  async advance(ms: number): Promise<void> {
    const end = this.time + Math.max(0, ms);
    await settle();
    for (let due = this.next(end); due !== undefined; due = this.next(end)) {
      this.time = due.at;
      if (due.everyMs === undefined) this.scheduled.delete(due);
      else due.at += due.everyMs;
      due.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }

  private schedule(
    callback: () => void,
    ms: number,
    everyMs: number | undefined,
    options: TimerOptions | undefined,
  ): Timer {
    const entry: Scheduled = {
      at: this.time + Math.max(0, ms),
      order: this.order++,
      callback,
      everyMs,
      background: options?.background === true,
    };
    this.scheduled.add(entry);
    return { cancel: () => this.scheduled.delete(entry) };
  }

  private next(until: number): Scheduled | undefined {
    let first: Scheduled | undefined;
    for (const entry of this.scheduled) {
      if (entry.at > until) continue;
      if (
        first === undefined ||
        entry.at < first.at ||
        (entry.at === first.at && entry.order < first.order)
      ) {
        first = entry;
      }
    }
    return first;
  }
}

/** Lets every promise callback queued so far (and those they queue) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
