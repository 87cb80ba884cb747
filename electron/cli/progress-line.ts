import type { SyncProgress } from '../../shared/sync-types.js';
import { formatBytes } from '../../shared/format-bytes.js';
import { formatDuration } from './format.js';

/**
 * One line redrawn in place on a terminal: files, bytes, rate and time left. Anything else printed
 * meanwhile clears it first, so activity lines and the bar never interleave.
 */
export class ProgressLine {
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: SyncProgress): void {
    if (progress.filesTotal === 0) {
      this.clear();
      return;
    }
    const width = 20;
    const fraction =
      progress.bytesTotal > 0
        ? progress.bytesDone / progress.bytesTotal
        : progress.filesDone / progress.filesTotal;
    const filled = Math.round(Math.min(1, fraction) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta = progress.etaSeconds === null ? '--:--' : formatDuration(progress.etaSeconds);
    const line = `${bar} ${progress.filesDone}/${progress.filesTotal} files  ${formatBytes(progress.bytesDone)}/${formatBytes(progress.bytesTotal)}  ${formatBytes(progress.rate)}/s  ETA ${eta}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (this.stream.columns ?? 100) - 1))}`);
    this.shown = true;
  }

  /** Prints a line above the bar. */
  print(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
