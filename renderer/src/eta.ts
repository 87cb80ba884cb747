import type { SyncProgress } from '../../shared/sync-types.js';

// Smoothing weight of each new estimate: low enough that one slow file does not make the ETA jump.
const SMOOTHING = 0.15;
// No ETA until the batch has run this long: the first seconds say little about the rest.
const SETTLE_MS = 3000;

/**
 * An ETA that does not jump: it counts what each file costs besides its bytes (a request round trip
 * per file, so 10,000 small files are not "done in a second"), measured over the whole batch, and
 * smooths the estimate over time.
 */
export class EtaEstimator {
  private batchStart: { at: number; files: number; bytes: number } | null = null;
  private smoothed: number | null = null;

  update(progress: SyncProgress, now = Date.now()): number | null {
    const remainingFiles = progress.filesTotal - progress.filesDone;
    if (remainingFiles <= 0) {
      this.reset();
      return null;
    }
    if (this.batchStart === null || progress.filesDone < this.batchStart.files) {
      this.batchStart = { at: now, files: progress.filesDone, bytes: progress.bytesDone };
      this.smoothed = null;
      return null;
    }
    const elapsed = (now - this.batchStart.at) / 1000;
    const files = progress.filesDone - this.batchStart.files;
    const bytes = progress.bytesDone - this.batchStart.bytes;
    if (elapsed * 1000 < SETTLE_MS || files <= 0) return null;
    // Time = files × per-file cost + bytes ÷ byte rate; both measured over the batch so far.
    const remainingBytes = Math.max(0, progress.bytesTotal - progress.bytesDone);
    const byFiles = (remainingFiles * elapsed) / files;
    const byBytes = bytes > 0 ? (remainingBytes * elapsed) / bytes : byFiles;
    const estimate = Math.max(byFiles, byBytes);
    this.smoothed =
      this.smoothed === null ? estimate : this.smoothed + SMOOTHING * (estimate - this.smoothed);
    return this.smoothed;
  }

  reset(): void {
    this.batchStart = null;
    this.smoothed = null;
  }
}
