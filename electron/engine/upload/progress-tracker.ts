import type { SyncProgress } from '../../../shared/sync-types.js';

// The rate is averaged over this window: long enough to be steady, short enough to follow changes.
const RATE_WINDOW_MS = 5000;
const MAX_IN_FLIGHT_SHOWN = 16;

/**
 * Files and bytes of the current batch of uploads. A batch starts when work appears after idle and
 * ends when the queue drains; totals grow as files are queued during the batch.
 */
export class ProgressTracker {
  private filesDone = 0;
  private filesTotal = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  private samples: Array<{ at: number; bytes: number }> = [];
  /** Files whose bytes are on the wire, in the order they started: the UI's bar per upload. */
  private readonly inFlight = new Map<string, { bytesDone: number; bytesTotal: number }>();

  constructor(private readonly now: () => number) {}

  queued(bytes: number): void {
    this.filesTotal++;
    this.bytesTotal += bytes;
  }

  /** A queued file finished (uploaded, found on the remote, failed or dropped). */
  finished(bytesNotSent: number): void {
    this.filesDone++;
    this.bytesDone += bytesNotSent;
  }

  sent(bytes: number): void {
    this.bytesDone += bytes;
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 0 && (this.samples[0]?.at ?? at) < at - RATE_WINDOW_MS) this.samples.shift();
  }

  /**
   * Bytes of a file already on the remote from an earlier run (the stored parts of a resumed upload):
   * done, but not sent now, so not part of the rate.
   */
  resumed(bytes: number): void {
    this.bytesDone += bytes;
  }

  /** Bytes of an attempt that failed and will be sent again. */
  unsent(bytes: number): void {
    this.bytesDone -= bytes;
  }

  /** Bytes of one file's upload sent (negative: an attempt's bytes that will be sent again). */
  fileSent(path: string, size: number, bytes: number): void {
    const file = this.inFlight.get(path) ?? { bytesDone: 0, bytesTotal: size };
    file.bytesDone = Math.max(0, Math.min(size, file.bytesDone + bytes));
    this.inFlight.set(path, file);
  }

  fileEnded(path: string): void {
    this.inFlight.delete(path);
  }

  reset(): void {
    this.inFlight.clear();
    this.filesDone = 0;
    this.filesTotal = 0;
    this.bytesDone = 0;
    this.bytesTotal = 0;
    this.samples = [];
  }

  snapshot(): SyncProgress {
    const now = this.now();
    const recent = this.samples.filter((sample) => sample.at >= now - RATE_WINDOW_MS);
    const first = recent[0];
    const span = first ? Math.max(1000, now - first.at) : RATE_WINDOW_MS;
    const rate = recent.reduce((sum, sample) => sum + sample.bytes, 0) / (span / 1000);
    const remaining = Math.max(0, this.bytesTotal - this.bytesDone);
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: Math.min(this.bytesDone, this.bytesTotal),
      bytesTotal: this.bytesTotal,
      rate: Math.round(rate),
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : remaining === 0 ? 0 : null,
      // Bounded: the transfer slots cap it anyway; a UI shows a handful of bars, not hundreds.
      inFlight: [...this.inFlight].slice(0, MAX_IN_FLIGHT_SHOWN).map(([path, file]) => ({ path, ...file })),
    };
  }
}
