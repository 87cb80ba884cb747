import type { Clock, Timer } from '../base/clock.js';

/** The engine's timers, by name. */
export type EngineTimerName =
  'wake' | 'refresh' | 'batch-refresh' | 'processing-recheck' | 'hints' | 'safety-rescan' | 'pause-ends';

/**
 * Every timer of the engine, through the injected clock (so tests drive time), one per name:
 * scheduling a name again replaces its timer, and `cancelAll` on stop leaves nothing behind.
 */
export class EngineTimers {
  private readonly timers = new Map<EngineTimerName, Timer>();

  constructor(private readonly clock: Clock) {}

  /** Runs `callback` once after `ms`; `background` timers never keep the process alive. */
  once(name: EngineTimerName, ms: number, callback: () => void, background = false): void {
    this.cancel(name);
    const timer = this.clock.setTimeout(
      () => {
        this.timers.delete(name);
        callback();
      },
      Math.max(0, ms),
      { background },
    );
    this.timers.set(name, timer);
  }

  every(name: EngineTimerName, ms: number, callback: () => void): void {
    this.cancel(name);
    this.timers.set(name, this.clock.setInterval(callback, ms, { background: true }));
  }

  has(name: EngineTimerName): boolean {
    return this.timers.has(name);
  }

  cancel(name: EngineTimerName): void {
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
