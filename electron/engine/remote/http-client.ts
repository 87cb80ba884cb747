import { systemClock, type Clock } from '../../base/clock.js';
import { SyncError } from '../sync-error.js';
import { readCapped } from './counted-body.js';
import { HttpTransport, type Dispatched } from './http-transport.js';
import {
  describeUrl,
  headerText,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from './http-types.js';
import { remoteUrl } from './remote-address.js';
import { DEFAULT_RETRY } from './retry.js';
import { scrubSecrets } from './secret-scrubber.js';
import { classifyStatus, serverMessage } from './status-failures.js';
import { streamedResponse, type StreamedResponse } from './streamed-body.js';
import { thrownFailure } from './thrown-failures.js';

/**
 * The HTTP layer every provider talks through: a transport (one keep-alive pool per provider), a
 * shared throttle gate, full reads of bounded response bodies, and one classification of failures
 * into SyncError. Credentials travel only in headers the provider sets; they never appear in a URL
 * and are scrubbed from every message and detail this module writes.
 *
 * Its parts: http-transport.ts (the wire), status-failures.ts and thrown-failures.ts (what a
 * failure means), counted-body.ts (bodies counted and capped), secret-scrubber.ts.
 */

export type {
  HttpClientOptions,
  HttpConnectionOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  HttpTimeouts,
  RequestBody,
} from './http-types.js';
export type { StreamedResponse } from './streamed-body.js';

const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
// An error body is read only for the server's message: its start is enough.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class HttpClient {
  readonly label: string;
  private readonly transport: HttpTransport;
  private readonly options: HttpClientOptions;
  private readonly clock: Clock;
  /** Set by a 429 with Retry-After: no request of this provider starts before then. */
  private blockedUntil = 0;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.label = options.label;
    this.clock = options.clock ?? systemClock;
    this.transport = new HttpTransport(options, this.clock);
  }

  /** When the throttle gate opens again (epoch ms); 0 or a past time when it is open. */
  get throttledUntil(): number {
    return this.blockedUntil;
  }

  /** Sends a request and returns the 2xx response read to the end; anything else throws SyncError. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.transport.closed) throw new SyncError('config', `The connection to ${this.label} was closed.`);
    return this.transport.track(() => this.send(request));
  }

  /**
   * `request` for an answer too big to hold (an unpaged listing): resolves at the headers of a 2xx
   * (or `okStatuses`) answer, with a body to read as it arrives (see StreamedResponse), counted against
   * `maxResponseBytes` and still subject to the body timeout (silence between chunks). Any other
   * status throws SyncError as `request` does. The request counts as in flight, for `close`, until
   * its body ended or was cancelled.
   */
  async requestStream(request: HttpRequest): Promise<StreamedResponse> {
    if (this.transport.closed) throw new SyncError('config', `The connection to ${this.label} was closed.`);
    let release = (): void => undefined;
    const bodyDone = new Promise<void>((resolve) => (release = resolve));
    void this.transport.track(() => bodyDone);
    try {
      const { url, response, ok } = await this.dispatch(request);
      const status = response.statusCode;
      if (!ok) throw await this.statusFailure(response, request, url);
      const limit = request.maxResponseBytes ?? this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const where = `${request.method} ${describeUrl(url)}`;
      return streamedResponse(
        { status, headers: response.headers, body: response.body },
        limit,
        (error) =>
          error instanceof SyncError ? this.scrub(error, where) : this.fromThrown(error, request, url),
        release,
      );
    } catch (error) {
      release();
      throw error;
    }
  }

  /** `request`, then the body parsed as JSON; a body that is not JSON is a SyncError, never a SyntaxError. */
  async requestJson(request: HttpRequest): Promise<unknown> {
    const response = await this.request(request);
    return this.parseJson(response, request);
  }

  parseJson(response: HttpResponse, request: Pick<HttpRequest, 'action' | 'method' | 'url'>): unknown {
    try {
      if (response.text.trim() === '') throw new SyntaxError('empty body');
      return JSON.parse(response.text) as unknown;
    } catch (error) {
      const sample = JSON.stringify(response.text.slice(0, 120));
      throw this.notJson(
        request,
        response,
        `${response.text.length} characters: ${(error as Error).message}; starts ${sample}`,
      );
    }
  }

  /**
   * The verdict on an answer that is not JSON (`problem` says where it broke; a streamed answer finds
   * out part-way): a web page means the wrong address (a web UI, a proxy login), anything else a
   * garbled answer worth retrying.
   */
  notJson(
    request: Pick<HttpRequest, 'action' | 'method' | 'url'>,
    response: Pick<HttpResponse, 'status' | 'headers'>,
    problem: string,
  ): SyncError {
    const contentType = headerText(response.headers['content-type']).toLowerCase();
    const detail = `${request.method} ${describeUrl(new URL(request.url))}: ${response.status}, content-type ${contentType || 'none'}: ${problem}`;
    if (contentType.includes('text/html')) {
      return this.scrub(
        new SyncError(
          'config',
          `The server at ${new URL(request.url).origin} answered with a web page, not the ${this.label} API. Check the server address in Settings.`,
          { status: response.status, reason: 'not-the-api', detail },
        ),
      );
    }
    return this.scrub(
      new SyncError(
        'network',
        `${this.label} sent a response Hoist could not read while trying to ${request.action} (not valid JSON).`,
        { retryable: true, status: response.status, reason: 'malformed-response', detail },
      ),
    );
  }

  /** A SyncError for an answer in JSON that lacks what the dialect promises. */
  unexpectedShape(request: Pick<HttpRequest, 'action'>, problem: string): SyncError {
    return this.scrub(
      new SyncError(
        'remote-rejected',
        `${this.label} answered in a form Hoist does not understand while trying to ${request.action} (${problem}).`,
        { reason: 'unexpected-response', detail: problem },
      ),
    );
  }

  /** The server's own message from an error body, whatever its shape. */
  serverMessage(response: HttpResponse): string {
    return serverMessage(response, this.options);
  }

  /** Refuses new requests, lets those in flight finish for up to `graceMs`, then cuts what is left. */
  close(graceMs = 1000): Promise<void> {
    return this.transport.close(graceMs);
  }

  /** Through the throttle gate onto the wire; `ok`: a status the request wants (2xx or its own). */
  private async dispatch(request: HttpRequest): Promise<{ url: URL; response: Dispatched; ok: boolean }> {
    const url = remoteUrl(request.url, this.label);
    await this.waitForGate(request.signal);
    let response: Dispatched;
    try {
      response = await this.transport.dispatch(url, request);
    } catch (error) {
      throw this.fromThrown(error, request, url);
    }
    const status = response.statusCode;
    const ok = (status >= 200 && status < 300) || (request.okStatuses?.includes(status) ?? false);
    return { url, response, ok };
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const { url, response, ok } = await this.dispatch(request);
    const status = response.statusCode;
    let text: string;
    try {
      const limit = ok
        ? (request.maxResponseBytes ?? this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)
        : MAX_ERROR_BODY_BYTES;
      text = await readCapped(response.body, limit, ok, `${this.label}'s answer to "${request.action}"`);
    } catch (error) {
      if (error instanceof SyncError) throw this.scrub(error, `${request.method} ${describeUrl(url)}`);
      throw this.fromThrown(error, request, url);
    }
    const answer: HttpResponse = { status, headers: response.headers, text };
    if (ok) return answer;
    throw this.failure(answer, request, url);
  }

  /**
   * The SyncError for a streamed request's answer of a status it does not want: the start of its
   * body read for the server's message, then as `send` does.
   */
  private async statusFailure(response: Dispatched, request: HttpRequest, url: URL): Promise<unknown> {
    let text: string;
    try {
      text = await readCapped(response.body, MAX_ERROR_BODY_BYTES, false);
    } catch (error) {
      return this.fromThrown(error, request, url);
    }
    return this.failure({ status: response.statusCode, headers: response.headers, text }, request, url);
  }

  /** An unwanted status, classified; a 429 closes the throttle gate. */
  private failure(answer: HttpResponse, request: HttpRequest, url: URL): SyncError {
    const classified =
      request.classify?.(answer) ?? classifyStatus(answer, request, url, this.options, this.clock.now());
    if (classified.retryAfterMs !== undefined && answer.status === 429) {
      // Held at most as long as a retry waits (DEFAULT_RETRY.maxRetryAfterMs): "come back tomorrow"
      // must not freeze every request of the provider until then, out of reach of any time limit.
      const holdMs = Math.min(classified.retryAfterMs, DEFAULT_RETRY.maxRetryAfterMs);
      this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + holdMs);
    }
    return this.scrub(classified);
  }

  private async waitForGate(signal: AbortSignal | undefined): Promise<void> {
    for (
      let wait = this.blockedUntil - this.clock.now();
      wait > 0;
      wait = this.blockedUntil - this.clock.now()
    ) {
      await this.clock.sleep(wait, signal);
    }
  }

  private fromThrown(error: unknown, request: HttpRequest, url: URL): unknown {
    if (request.signal?.aborted) return request.signal.reason ?? error;
    return this.scrub(thrownFailure(error, request, url, this.label, this.transport.timeoutsFor(request)));
  }

  private scrub(error: SyncError, extraDetail?: string): SyncError {
    return scrubSecrets(error, this.options.secrets ?? [], extraDetail);
  }
}
