import type { SyncService } from '../engine/sync-service.js';

// A timer longer than this overflows setTimeout's 32-bit delay; a pause that long is a mistake.
const MAX_PAUSE_MS = 7 * 24 * 3600 * 1000;

/** "Pause for 1 hour", "Pause until tomorrow": pauses the engine and resumes it when the time comes. */
export class PauseTimer {
  private timer: NodeJS.Timeout | null = null;
  private resumeAt: number | null = null;

  constructor(
    private readonly service: () => SyncService | null,
    private readonly onChange: () => void,
  ) {}

  get until(): number | null {
    return this.resumeAt;
  }

  pause(until: number | undefined, now = Date.now()): void {
    const service = this.service();
    if (!service) return;
    this.clear();
    if (until !== undefined) {
      const delay = until - now;
      if (delay <= 0 || delay > MAX_PAUSE_MS) throw new RangeError('A pause must end within the next 7 days');
      this.resumeAt = until;
      this.timer = setTimeout(() => this.resume(), delay);
      this.timer.unref();
    }
    service.pause();
    this.onChange();
  }

  resume(): void {
    this.clear();
    this.service()?.resume();
    this.onChange();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.resumeAt = null;
  }
}
