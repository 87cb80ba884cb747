import type { EngineContext } from './engine-context.js';
import type { LocalFile } from './state/local-files.js';

/** A file changing under every read for this long is set aside instead of read again and again. */
export const KEEPS_CHANGING_MS = 10_000;
/** ...and tried again after this long (or when it changes, in watch mode). */
const SET_ASIDE_MS = 60_000;

/**
 * Files that change while they are read (a log being appended to): each attempt to hash or send
 * one finds it changed and queues it again. Without a bound, `--once` never ends and says nothing.
 * After KEEPS_CHANGING_MS of that, the file is set aside (state `retrying`), reported once, and the
 * rest goes on; it is synced once it has been quiet for the settle time.
 */
export class UnsettledFiles {
  private readonly since = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly context: Pick<EngineContext, 'state' | 'clock' | 'report'>,
    private readonly settleMs: number,
  ) {}

  /** The file was found changed while read; true when it was set aside for now. */
  changedWhileRead(file: LocalFile): boolean {
    const now = this.context.clock.now();
    const first = this.since.get(file.path);
    if (first === undefined) {
      this.since.set(file.path, now);
      return false;
    }
    if (now - first < KEEPS_CHANGING_MS) return false;
    const quiet = Math.max(1, Math.round(this.settleMs / 1000));
    const message = `It keeps changing; it will be synced once it has been quiet for ${quiet} s`;
    this.context.state.files.setState(file.path, 'retrying', now, {
      message,
      category: 'local-file',
      reason: 'still-changing',
      retryAt: now + SET_ASIDE_MS,
      attempts: file.attempts + 1,
    });
    if (!this.reported.has(file.path)) {
      this.reported.add(file.path);
      this.context.report('skipped', file.path, message);
    }
    this.since.delete(file.path);
    return true;
  }

  /** Read whole and unchanged: it is settled. */
  settled(path: string): void {
    this.since.delete(path);
    this.reported.delete(path);
  }
}
