import { Agent, request as undiciRequest } from './undici-request.js';
import type { Clock } from '../../base/clock.js';
import { contentLength, countedBody } from './counted-body.js';
import type { HttpConnectionOptions, HttpRequest } from './http-types.js';

// A remote may take a while to start an answer (compose a listing, verify an upload it just read)
// but not to go on with one: 60 s for headers, 30 s of silence inside a body (issue 11).
const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 30_000,
  maxConnections: 8,
} as const;

/** An answer whose body has not been read yet. */
export type Dispatched = Awaited<ReturnType<typeof undiciRequest>>;

/**
 * The wire: one undici Agent (a keep-alive pool with the connect, headers and body timeouts) per
 * provider, the requests in flight on it, and closing it without leaving any of them hanging.
 */
export class HttpTransport {
  private readonly agent: Agent;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closedFlag = false;
  private readonly headersTimeoutMs: number;
  private readonly bodyTimeoutMs: number;

  constructor(
    options: Omit<HttpConnectionOptions, 'clock'>,
    private readonly clock: Clock,
  ) {
    this.headersTimeoutMs = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs;
    this.agent = new Agent({
      connections: options.maxConnections ?? DEFAULTS.maxConnections,
      connect: { timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
      headersTimeout: this.headersTimeoutMs,
      bodyTimeout: this.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Runs `work` (one request, its body read included) counted as in flight, for `close`. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /**
   * The limits a request runs under: its own where it has them, but never longer than the client's,
   * so a client made impatient (`--stall-timeout`) is impatient on every route.
   */
  timeoutsFor(request: Pick<HttpRequest, 'timeouts'>): { headersMs: number; bodyMs: number } {
    return {
      headersMs: Math.min(request.timeouts?.headersMs ?? Infinity, this.headersTimeoutMs),
      bodyMs: Math.min(request.timeouts?.bodyMs ?? Infinity, this.bodyTimeoutMs),
    };
  }

  /**
   * Sends the request; its streamed body is counted against its Content-Length (see countedBody).
   * The headers time-out also bounds a body the remote stops reading: undici restarts it whenever a
   * write has to wait, so it fires after that long without the remote taking a byte.
   */
  dispatch(url: URL, request: HttpRequest): Promise<Dispatched> {
    const timeouts = this.timeoutsFor(request);
    return undiciRequest(url, {
      dispatcher: this.agent,
      method: request.method,
      headers: request.headers ?? {},
      body: countedBody(request.body, contentLength(request.headers)),
      ...(request.signal ? { signal: request.signal } : {}),
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
  }

  /**
   * Lets requests in flight finish for up to `graceMs`, then cuts what is left. (undici's
   * Agent.destroy after Agent.close leaves requests pending forever, so close is only called once
   * nothing is in flight.)
   */
  async close(graceMs: number): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.inFlight > 0) {
      let timer: { cancel(): void } | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = this.clock.setTimeout(resolve, graceMs);
        }),
      ]);
      timer?.cancel();
    }
    if (this.inFlight > 0) await this.agent.destroy();
    else await this.agent.close();
  }
}
