import type { Readable } from 'node:stream';
import mime from 'mime-types';
import { SyncError } from '../sync-error.js';
import type { HttpConnectionOptions } from './http-client.js';
import type { BodySource, UploadCandidate } from './remote-provider.js';

/** The candidate's MIME type when it looks like one, else from the extension, else octet-stream. */
export function mimeTypeOf(file: UploadCandidate): string {
  if (/^[\w.+-]+\/[\w.+-]+$/.test(file.mimeType)) return file.mimeType;
  return mime.lookup(file.path) || 'application/octet-stream';
}

/** An ISO date or epoch milliseconds as epoch milliseconds; null when unreadable. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

/** The connection options among a provider's options, without the keys left unset. */
export function connectionOptions(options: HttpConnectionOptions): HttpConnectionOptions {
  return {
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  };
}

/** Drops the trailing slashes of a base URL so paths can be appended. */
export function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * Opens a body source for one attempt. A Node stream (a file's read stream) may fail before anything
 * reads it, say when the file vanished: that error then surfaces when the request reads the body,
 * not as an uncaught 'error' event. `release` closes the stream however the request ended.
 */
export function openBody(body: BodySource): { source: AsyncIterable<Uint8Array>; release: () => void } {
  let source: AsyncIterable<Uint8Array>;
  try {
    source = body();
  } catch (error) {
    throw new SyncError('local-file', `The file could not be read: ${(error as Error).message}`, {
      retryable: true,
      reason: 'read-failed',
      cause: error,
    });
  }
  const stream = source as Partial<Pick<Readable, 'on' | 'destroy' | 'destroyed'>>;
  const isStream = typeof stream.on === 'function' && typeof stream.destroy === 'function';
  if (isStream) stream.on?.('error', () => undefined);
  return {
    source,
    release: () => {
      if (isStream && !stream.destroyed) stream.destroy?.();
    },
  };
}

/**
 * What each kind of answer may weigh (issue 11: memory follows what the server sends, so it is
 * bounded by what the route can legitimately send). A ticket, a file object or an acknowledgement is
 * a few hundred bytes; a page of 1,000 listed files stays well under 16 MiB. Alloy's listing has no
 * pages and keeps the client's default limit.
 */
export const SMALL_ANSWER_BYTES = 256 * 1024;
export const LISTING_PAGE_BYTES = 16 * 1024 * 1024;
