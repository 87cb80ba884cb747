/**
 * What the engine is waiting on the remote for right now (a listing, an upload, deletions), with
 * the last failure each has retried after. A run stopped by its time limit uses it to say what
 * stalled, instead of a bare "time is up".
 */
export interface Wait {
  /** The last attempt failed with this; the wait goes on (a retry). */
  failed(message: string): void;
  end(): void;
}

interface Waiting {
  what: string;
  since: number;
  lastFailure: string | null;
}

export class WaitTracker {
  private readonly waits = new Set<Waiting>();

  constructor(private readonly now: () => number) {}

  /** `what` fits "waiting to …": "list the files on Alloy", "upload a.txt". */
  begin(what: string): Wait {
    const waiting: Waiting = { what, since: this.now(), lastFailure: null };
    this.waits.add(waiting);
    return {
      failed: (message) => (waiting.lastFailure = message),
      end: () => this.waits.delete(waiting),
    };
  }

  /** One line per wait, the longest first, at most `limit` of them and a count of the rest. */
  describe(limit = 5): string[] {
    const shown = Math.max(1, limit);
    const now = this.now();
    const waits = [...this.waits].sort((a, b) => a.since - b.since);
    const lines = waits.slice(0, shown).map((wait) => {
      const seconds = Math.max(0, Math.round((now - wait.since) / 1000));
      const last = wait.lastFailure === null ? '' : `; last try: ${wait.lastFailure.replace(/\.$/, '')}`;
      return `${wait.what} (waiting ${seconds} s${last})`;
    });
    if (waits.length > shown) lines.push(`and ${waits.length - shown} more`);
    return lines;
  }
}
