/**
 * Requests being answered right now, per route name, and the most there ever were at once: how a test
 * checks a client's concurrency on the server's side ("never more upload bodies in flight than the
 * app-wide limit"). One counter may be shared by several servers, to count a client's requests to all
 * of them together.
 */
export class InFlightCounter {
  private readonly current = new Map<string, number>();
  private readonly peaks = new Map<string, number>();

  /** A request of `route` started; the returned function ends it (once, however often it is called). */
  enter(route: string): () => void {
    const now = (this.current.get(route) ?? 0) + 1;
    this.current.set(route, now);
    if (now > (this.peaks.get(route) ?? 0)) this.peaks.set(route, now);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.current.set(route, (this.current.get(route) ?? 1) - 1);
    };
  }

  now(route: string): number {
    return this.current.get(route) ?? 0;
  }

  /** The most requests of `route` answered at once since the start (or the last reset). */
  peak(route: string): number {
    return this.peaks.get(route) ?? 0;
  }

  resetPeaks(): void {
    this.peaks.clear();
  }
}
