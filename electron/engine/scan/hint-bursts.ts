/**
 * Turns a stream of file system events for one path into few hints: one at once (low latency),
 * one after the events stop (so the engine stats the final version of a file still being written),
 * and one per `maxGapMs` in between, so a file written for minutes is not silent all that time.
 */
export class HintBursts {
  private readonly bursts = new Map<string, { timer: NodeJS.Timeout; hintedAt: number }>();

  constructor(
    private readonly emit: (path: string) => void,
    private readonly quietMs: number,
    private readonly maxGapMs: number,
  ) {}

  hint(path: string): void {
    const now = Date.now();
    const burst = this.bursts.get(path);
    if (burst) {
      burst.timer.refresh();
      if (now - burst.hintedAt >= this.maxGapMs) {
        burst.hintedAt = now;
        this.emit(path);
      }
      return;
    }
    this.emit(path);
    const timer = setTimeout(() => {
      this.bursts.delete(path);
      this.emit(path);
    }, this.quietMs);
    this.bursts.set(path, { timer, hintedAt: now });
  }

  clear(): void {
    for (const { timer } of this.bursts.values()) clearTimeout(timer);
    this.bursts.clear();
  }
}
