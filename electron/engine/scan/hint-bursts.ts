import { systemClock, type Clock, type Timer } from '../../base/clock.js';

/**
 * Turns a stream of file system events for one path into few hints: one at once (low latency),
 * one after the events stop (so the engine stats the final version of a file still being written),
 * and one per `maxGapMs` in between, so a file written for minutes is not silent all that time.
 */
export class HintBursts {
  private readonly bursts = new Map<string, { timer: Timer; hintedAt: number }>();

  constructor(
    private readonly emit: (path: string) => void,
    private readonly quietMs: number,
    private readonly maxGapMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  hint(path: string): void {
    const now = this.clock.now();
    const burst = this.bursts.get(path);
    if (burst) {
      // Another event: the quiet period starts over.
      burst.timer.cancel();
      burst.timer = this.endAfterQuiet(path);
      if (now - burst.hintedAt >= this.maxGapMs) {
        burst.hintedAt = now;
        this.emit(path);
      }
      return;
    }
    this.emit(path);
    this.bursts.set(path, { timer: this.endAfterQuiet(path), hintedAt: now });
  }

  clear(): void {
    for (const { timer } of this.bursts.values()) timer.cancel();
    this.bursts.clear();
  }

  private endAfterQuiet(path: string): Timer {
    return this.clock.setTimeout(() => {
      this.bursts.delete(path);
      this.emit(path);
    }, this.quietMs);
  }
}
