import { Readable } from 'node:stream';
import { Agent, request as undiciRequest } from 'undici';
import { SyncError } from '../sync-error.js';
import { sleep } from './retry.js';

/**
 * The HTTP layer every provider talks through: one undici Agent (keep-alive pool) per provider, a
 * shared throttle gate, full reads of bounded response bodies, and one classification of failures
 * into SyncError. Credentials travel only in headers the provider sets; they never appear in a URL
 * and are scrubbed from every message and detail this module writes.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpTimeouts {
  /** Establishing a connection (TCP + TLS). Default 10 s. */
  connectTimeoutMs?: number;
  /** From the end of the request body to the response headers. Default 60 s. */
  headersTimeoutMs?: number;
  /** Longest silence between two chunks of a response body. Default 60 s. */
  bodyTimeoutMs?: number;
}

export interface HttpClientOptions extends HttpTimeouts {
  /** The provider as people know it, used in every message: "Alloy". */
  label: string;
  /** What the credential is called in messages. Default "API token". */
  credentialName?: string;
  /** Pulls the server's own words out of the dialect's error body (parsed JSON, or the raw text). */
  errorMessage?: (body: unknown, text: string) => string | undefined;
  /** Connections per origin. Default 8. */
  maxConnections?: number;
  /** Largest response body read. Default 256 MiB (a listing of every file the account has). */
  maxResponseBytes?: number;
  /** Strings that must never appear in an error (the token); replaced by `***` (8 characters or more). */
  secrets?: string[];
  now?: () => number;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** An async iterable is streamed; send `content-length` with it so it is not chunked. */
  body?: RequestBody;
  signal?: AbortSignal;
  /** What the request is for, in words that fit "could not …": "list files". */
  action: string;
  /**
   * `api` (default): the provider's API, where 401/403 mean the credential is wrong. `object`: a
   * presigned URL, which carries its own authorization, so 401/403 say nothing about the token.
   */
  target?: 'api' | 'object';
  /** Statuses besides 2xx that answer the request as the caller wants (404 on a delete). */
  okStatuses?: readonly number[];
  /** Classifies a non-2xx response first; return undefined to fall back to the defaults. */
  classify?: (response: HttpResponse) => SyncError | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body read to the end (an error body: at most its first 64 KiB). */
  text: string;
}

/** The reason a streamed request body failed on our side; see `localBodyError`. */
export class BodySourceError extends Error {
  constructor(
    message: string,
    readonly kind: 'read-failed' | 'length-mismatch',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BodySourceError';
  }
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  maxConnections: 8,
  maxResponseBytes: 256 * 1024 * 1024,
} as const;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MIN_SCRUBBED_SECRET = 8;

export class HttpClient {
  readonly label: string;
  private readonly agent: Agent;
  private readonly options: HttpClientOptions;
  private readonly now: () => number;
  /** Set by a 429 with Retry-After: no request of this provider starts before then. */
  private blockedUntil = 0;
  private closed = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.label = options.label;
    this.now = options.now ?? Date.now;
    this.agent = new Agent({
      connections: options.maxConnections ?? DEFAULTS.maxConnections,
      connect: { timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  /** When the throttle gate opens again (epoch ms); 0 or a past time when it is open. */
  get throttledUntil(): number {
    return this.blockedUntil;
  }

  /** Sends a request and returns the 2xx response read to the end; anything else throws SyncError. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new SyncError('config', `The connection to ${this.label} was closed.`);
    this.inFlight += 1;
    try {
      return await this.send(request);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const url = parseUrl(request.url, this.label);
    await this.waitForGate(request.signal);
    const expectedLength = contentLength(request.headers);
    let response: Awaited<ReturnType<typeof undiciRequest>>;
    try {
      response = await undiciRequest(url, {
        dispatcher: this.agent,
        method: request.method,
        headers: request.headers ?? {},
        body: wrapBody(request.body, expectedLength),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      throw this.fromThrown(error, request, url);
    }
    const status = response.statusCode;
    const ok = (status >= 200 && status < 300) || (request.okStatuses?.includes(status) ?? false);
    let text: string;
    try {
      text = await readText(
        response.body,
        ok ? (this.options.maxResponseBytes ?? DEFAULTS.maxResponseBytes) : MAX_ERROR_BODY_BYTES,
        ok,
      );
    } catch (error) {
      if (error instanceof SyncError) throw this.scrub(error, `${request.method} ${describeUrl(url)}`);
      throw this.fromThrown(error, request, url);
    }
    const answer: HttpResponse = { status, headers: response.headers, text };
    if (ok) return answer;
    const classified = request.classify?.(answer) ?? this.classifyStatus(answer, request, url);
    if (classified.retryAfterMs !== undefined && status === 429) {
      this.blockedUntil = Math.max(this.blockedUntil, this.now() + classified.retryAfterMs);
    }
    throw this.scrub(classified);
  }

  /** `request`, then the body parsed as JSON; a body that is not JSON is a SyncError, never a SyntaxError. */
  async requestJson(request: HttpRequest): Promise<unknown> {
    const response = await this.request(request);
    return this.parseJson(response, request);
  }

  parseJson(response: HttpResponse, request: Pick<HttpRequest, 'action' | 'method' | 'url'>): unknown {
    const contentType = headerText(response.headers['content-type']).toLowerCase();
    try {
      if (response.text.trim() === '') throw new SyntaxError('empty body');
      return JSON.parse(response.text) as unknown;
    } catch (error) {
      const where = `${request.method} ${describeUrl(new URL(request.url))}`;
      const sample = JSON.stringify(response.text.slice(0, 120));
      const detail = `${where}: ${response.status}, content-type ${contentType || 'none'}, ${response.text.length} characters: ${(error as Error).message}; starts ${sample}`;
      if (contentType.includes('text/html')) {
        // A web page where an API should be: usually the wrong server address (a web UI, a proxy login).
        throw this.scrub(
          new SyncError(
            'config',
            `The server at ${new URL(request.url).origin} answered with a web page, not the ${this.label} API. Check the server address in Settings.`,
            { status: response.status, reason: 'not-the-api', detail },
          ),
        );
      }
      throw this.scrub(
        new SyncError(
          'network',
          `${this.label} sent a response Hoist could not read while trying to ${request.action} (not valid JSON).`,
          { retryable: true, status: response.status, reason: 'malformed-response', detail },
        ),
      );
    }
  }

  /** A SyncError for an answer in JSON that lacks what the dialect promises. */
  unexpectedShape(request: Pick<HttpRequest, 'action'>, problem: string): SyncError {
    return this.scrub(
      new SyncError(
        'remote-rejected',
        `${this.label} answered in a form Hoist does not understand while trying to ${request.action}.`,
        { reason: 'unexpected-response', detail: problem },
      ),
    );
  }

  /**
   * Refuses new requests, lets those in flight finish for up to `graceMs`, then cuts what is left.
   * (undici's Agent.destroy after Agent.close leaves requests pending forever, so close is only
   * called once nothing is in flight.)
   */
  async close(graceMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    if (this.inFlight > 0) await this.agent.destroy();
    else await this.agent.close();
  }

  private async waitForGate(signal: AbortSignal | undefined): Promise<void> {
    for (let wait = this.blockedUntil - this.now(); wait > 0; wait = this.blockedUntil - this.now()) {
      await sleep(wait, signal);
    }
  }

  /** The default meaning of a non-2xx status. */
  private classifyStatus(response: HttpResponse, request: HttpRequest, url: URL): SyncError {
    const { status } = response;
    const serverSays = this.serverMessage(response);
    const detail = `${request.method} ${describeUrl(url)}: ${status}${serverSays ? ` ${serverSays}` : ''}`;
    const credential = this.options.credentialName ?? 'API token';
    const api = (request.target ?? 'api') === 'api';
    if (api && status === 401) {
      return new SyncError(
        'auth',
        `${this.label} rejected the ${credential} (401). Update it in Settings or set HOIST_TOKEN.`,
        { status, detail },
      );
    }
    if (api && status === 403) {
      return new SyncError(
        'auth',
        `${this.label} refused access with this ${credential} (403)${serverSays ? `: ${serverSays}` : ''}. Check its permissions, or update it in Settings or set HOIST_TOKEN.`,
        { status, detail },
      );
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headerText(response.headers['retry-after']), this.now());
      return new SyncError('remote-rejected', `${this.label} asked Hoist to slow down (429).`, {
        retryable: true,
        status,
        reason: 'throttled',
        detail,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    if (status >= 500 || status === 408) {
      const retryAfterMs = parseRetryAfter(headerText(response.headers['retry-after']), this.now());
      return new SyncError(
        'network',
        `${this.label} could not ${request.action} because of a problem on its side (${status}).`,
        {
          retryable: true,
          status,
          reason: 'server-error',
          detail,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
      );
    }
    if (status >= 300 && status < 400) {
      const location = headerText(response.headers.location);
      const to = location ? ` to ${describeUrl(new URL(location, url))}` : '';
      return new SyncError(
        'config',
        `${this.label} redirected the request${to} (${status}). Check the server address in Settings.`,
        { status, reason: 'redirected', detail },
      );
    }
    return new SyncError(
      'remote-rejected',
      `${this.label} refused to ${request.action}: ${serverSays || `status ${status}`}${serverSays ? ` (${status})` : ''}.`,
      { status, detail },
    );
  }

  /** The server's own message from an error body, whatever its shape. */
  serverMessage(response: HttpResponse): string {
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(response.text) as unknown;
    } catch {
      // Not JSON: the raw text may still say something, unless it is a whole web page.
    }
    const fromDialect = this.options.errorMessage?.(parsed, response.text);
    if (fromDialect) return oneLine(fromDialect);
    if (parsed === undefined && response.text.trim() !== '' && !/<html|<!doctype/i.test(response.text)) {
      return oneLine(response.text);
    }
    return '';
  }

  private fromThrown(error: unknown, request: HttpRequest, url: URL): unknown {
    if (request.signal?.aborted) return request.signal.reason ?? error;
    const where = `${request.method} ${describeUrl(url)}`;
    const local = localBodyError(error);
    // The body source already said precisely what happened to the file (e.g. it changed): keep that.
    if (local?.cause instanceof SyncError) return this.scrub(local.cause);
    if (local) {
      return this.scrub(
        new SyncError(
          'local-file',
          local.kind === 'length-mismatch'
            ? 'The file changed while it was being uploaded.'
            : `The file could not be read while uploading it: ${local.message}`,
          {
            retryable: local.kind === 'read-failed',
            reason: local.kind === 'length-mismatch' ? 'digest-mismatch' : 'read-failed',
            detail: `${where}: ${local.message}`,
            cause: local,
          },
        ),
      );
    }
    return this.scrub(classifyNetworkError(error, this.label, url, where));
  }

  /** Removes every secret from a SyncError's message and detail. */
  private scrub(error: SyncError, extraDetail?: string): SyncError {
    // Hoist itself never writes a secret into a message; this catches servers that echo one back. A
    // secret too short to be a real token would mangle ordinary words, so those are left alone.
    const secrets = (this.options.secrets ?? []).filter((secret) => secret.length >= MIN_SCRUBBED_SECRET);
    const clean = (text: string | undefined): string | undefined =>
      text === undefined ? undefined : secrets.reduce((out, secret) => out.split(secret).join('***'), text);
    const message = clean(error.message) ?? '';
    const detail = clean(extraDetail ? `${extraDetail}: ${error.detail ?? error.message}` : error.detail);
    if (message === error.message && detail === error.detail) return error;
    return new SyncError(error.category, message, {
      retryable: error.retryable,
      ...(detail !== undefined ? { detail } : {}),
      ...(error.path !== undefined ? { path: error.path } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(error.reason !== undefined ? { reason: error.reason } : {}),
      cause: error.cause,
    });
  }
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a weekday and a month; anything else (say "-5") is not one.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Origin and path of a URL, never its query (presigned URLs carry their signature there). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the server name could not be resolved',
  EAI_AGAIN: 'the server name could not be resolved right now',
  EHOSTUNREACH: 'the server is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EHOSTDOWN: 'the server is down',
  UND_ERR_CONNECT_TIMEOUT: 'connecting took too long',
  UND_ERR_HEADERS_TIMEOUT: 'the server took too long to answer',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
  UND_ERR_SOCKET: 'the connection was closed',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_DESTROYED: 'the connection was closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
  UND_ERR_INFO: 'the connection was closed',
};
// undici codes that are our mistakes, not the network's.
const PROGRAMMING_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
]);

/** A thrown transport error as a SyncError: network and retryable unless it is a TLS or programming problem. */
export function classifyNetworkError(error: unknown, label: string, url: URL, where: string): SyncError {
  const codes = errorCodes(error);
  const detail = `${where}: ${describeError(error)}`;
  const tls = codes.find((code) => /CERT|^ERR_TLS|^ERR_SSL|SELF_SIGNED/.test(code));
  if (tls) {
    return new SyncError(
      'network',
      `The secure connection to ${label} at ${url.host} failed: its certificate was not accepted (${tls}).`,
      { reason: 'tls', detail, cause: error },
    );
  }
  const programming = codes.find((code) => PROGRAMMING_CODES.has(code));
  if (programming) {
    return new SyncError('config', `Hoist could not send a request to ${label} (${programming}).`, {
      detail,
      cause: error,
    });
  }
  const known = codes.find(
    (code) => code in CONNECTION_CODES || code.startsWith('UND_ERR_') || /^E[A-Z]+$/.test(code),
  );
  const why = (known && CONNECTION_CODES[known]) ?? 'the connection failed';
  return new SyncError('network', `Could not reach ${label} at ${url.host}: ${why}.`, {
    retryable: true,
    reason: known ?? 'network',
    detail,
    cause: error,
  });
}

/** The BodySourceError somewhere in an error's cause chain. */
export function localBodyError(error: unknown): BodySourceError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof BodySourceError) return current;
    current = current.cause;
  }
  return undefined;
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    const code = (current as { code?: unknown }).code;
    parts.push(`${current.name}${typeof code === 'string' ? ` ${code}` : ''}: ${current.message}`);
    current = current.cause;
  }
  return parts.join(' <- ');
}

function parseUrl(text: string, label: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SyncError('config', `The address for ${label} is not a valid URL. Check it in Settings.`, {
      reason: 'bad-url',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SyncError('config', `The address for ${label} must start with http:// or https://.`, {
      reason: 'bad-url',
      detail: `protocol ${url.protocol}`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new SyncError('config', `The address for ${label} must not contain a user name or password.`, {
      reason: 'bad-url',
    });
  }
  return url;
}

function contentLength(headers: Record<string, string> | undefined): number | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-length') return Number(value);
  }
  return undefined;
}

/**
 * Streams an async iterable body, counting its bytes: a source that fails or yields more or fewer
 * bytes than Content-Length becomes a BodySourceError, so the file's problem is not taken for the
 * network's.
 */
function wrapBody(
  body: RequestBody | undefined,
  expectedLength: number | undefined,
): string | Uint8Array | Readable | undefined {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    let sent = 0;
    let iterator: AsyncIterator<Uint8Array>;
    try {
      iterator = body[Symbol.asyncIterator]();
    } catch (error) {
      throw new BodySourceError(describeError(error), 'read-failed', { cause: error });
    }
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          throw new BodySourceError(describeError(error), 'read-failed', { cause: error });
        }
        if (next.done) break;
        sent += next.value.byteLength;
        if (expectedLength !== undefined && sent > expectedLength) {
          throw new BodySourceError(`more than the ${expectedLength} bytes announced`, 'length-mismatch');
        }
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
    if (expectedLength !== undefined && sent !== expectedLength) {
      throw new BodySourceError(
        `${sent} bytes instead of the ${expectedLength} announced`,
        'length-mismatch',
      );
    }
  };
  // A byte stream (not object mode) so undici writes it with backpressure.
  return Readable.from(counted(), { objectMode: false });
}

async function readText(
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown },
  limit: number,
  mustFit: boolean,
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk);
    if (total + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - total));
      body.destroy();
      if (mustFit) {
        throw new SyncError('remote-rejected', `The answer was larger than the ${limit} bytes Hoist reads.`, {
          reason: 'response-too-large',
        });
      }
      break;
    }
    chunks.push(buffer);
    total += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
