/**
 * Runs `flush` at most once per `intervalMs`: the first call flushes at once, calls during the
 * interval are folded into one trailing flush. Progress arrives many times a second; the renderer
 * needs about ten frames of it.
 */
export class EventThrottle {
  private last = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: () => void,
  ) {}

  request(): void {
    if (this.timer) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    this.timer = null;
    this.last = Date.now();
    this.flush();
  }
}
