import { Agent, request as undiciRequest } from 'undici';
import type { Clock } from '../../base/clock.js';
import { contentLength, countedBody } from './counted-body.js';
import type { HttpConnectionOptions, HttpRequest } from './http-types.js';

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
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

  constructor(
    options: Omit<HttpConnectionOptions, 'clock'>,
    private readonly clock: Clock,
  ) {
    this.agent = new Agent({
      connections: options.maxConnections ?? DEFAULTS.maxConnections,
      connect: { timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
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

  /** Sends the request; its streamed body is counted against its Content-Length (see countedBody). */
  dispatch(url: URL, request: HttpRequest): Promise<Dispatched> {
    return undiciRequest(url, {
      dispatcher: this.agent,
      method: request.method,
      headers: request.headers ?? {},
      body: countedBody(request.body, contentLength(request.headers)),
      ...(request.signal ? { signal: request.signal } : {}),
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
