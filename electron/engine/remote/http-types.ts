import type { Clock } from '../../base/clock.js';
import type { SyncError } from '../sync-error.js';

/** The shapes every part of the HTTP layer shares (client, transport, failures, bodies). */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpTimeouts {
  /** Establishing a connection (TCP + TLS). Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * From the end of the request body to the response headers; also the longest a request body may
   * wait for the remote to take more of it. Default 60 s.
   */
  headersTimeoutMs?: number;
  /** Longest silence between two chunks of a response body. Default 30 s. */
  bodyTimeoutMs?: number;
}

/** How a provider's connection behaves: what it passes through to its HttpClient untouched. */
export interface HttpConnectionOptions extends HttpTimeouts {
  /** Connections per origin. Default 8. */
  maxConnections?: number;
  /** Time for Retry-After, the throttle gate and the close grace. Default the system clock. */
  clock?: Clock;
}

export interface HttpClientOptions extends HttpConnectionOptions {
  /** The provider as people know it, used in every message: "Alloy". */
  label: string;
  /** What the credential is called in messages. Default "API token". */
  credentialName?: string;
  /** Pulls the server's own words out of the dialect's error body (parsed JSON, or the raw text). */
  errorMessage?: (body: unknown, text: string) => string | undefined;
  /** Largest response body read. Default 256 MiB (a listing of every file the account has). */
  maxResponseBytes?: number;
  /** Strings that must never appear in an error (the token); replaced by `***` (8 characters or more). */
  secrets?: string[];
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
  /**
   * Largest answer this request may read: what the route can legitimately send (a ticket is a few
   * hundred bytes, a listing page is bounded by its page size). Default the client's limit.
   */
  maxResponseBytes?: number;
  /**
   * Time limits for this request where the client's are too long for what it awaits: a ticket
   * that sends its headers and then stalls should fail in seconds, not in the listing's half minute.
   * They only ever shorten the client's own.
   */
  timeouts?: { headersMs?: number; bodyMs?: number };
  /** Classifies a non-2xx response first; return undefined to fall back to the defaults. */
  classify?: (response: HttpResponse) => SyncError | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body read to the end (an error body: at most its first 64 KiB). */
  text: string;
}

/** The first value of a header as text; '' when absent. */
export function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Origin and path of a URL, never its query (presigned URLs carry their signature there). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
