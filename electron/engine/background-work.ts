/**
 * The engine's work that runs beside the pump (a watcher's rescan, a batch of hints, a timed refresh,
 * a move to a new remote folder). Each one is tracked so `stop` can wait for it: the pair's state DB
 * is closed right after `stop` resolves, and a scan still writing to it then would fail with
 * "The database connection is not open" as an unhandled rejection. A failure is handed to
 * `onFailure` (worded by the engine), never left unhandled; nothing new starts once stopping.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly onFailure: (error: unknown) => void) {}

  /** Starts `work` unless stopping; its failure goes to `onFailure`. */
  start(work: () => Promise<unknown>): void {
    if (this.closed) return;
    const task: Promise<void> = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => {
          if (!this.closed) this.onFailure(error);
        },
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Refuses new work and resolves once every task started before has ended. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
