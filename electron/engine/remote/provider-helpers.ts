import type { Readable } from 'node:stream';
import { mimeTypeFromName } from '../../base/mime-type.js';
import { SyncError } from '../sync-error.js';
import type { HttpConnectionOptions } from './http-client.js';
import type { BodySource, ListingSink, RemoteEntry, UploadCandidate } from './remote-provider.js';

/** The candidate's MIME type when it looks like one, else from the extension, else octet-stream. */
export function mimeTypeOf(file: UploadCandidate): string {
  if (/^[\w.+-]+\/[\w.+-]+$/.test(file.mimeType)) return file.mimeType;
  return mimeTypeFromName(file.path);
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
export function openBody(body: BodySource): {
  source: AsyncIterable<Uint8Array> | Uint8Array;
  release: () => void;
} {
  let source: AsyncIterable<Uint8Array> | Uint8Array;
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
 * a few hundred bytes; a page of 1,000 listed files stays well under 16 MiB. An unpaged listing
 * (Alloy, Open WebUI) is streamed, never held: see UNPAGED_LISTING_BYTES.
 */
export const SMALL_ANSWER_BYTES = 256 * 1024;

/**
 * A small answer (a ticket, an acknowledgement) comes at once when the server works at all: 30 s for
 * its headers and 10 s of silence inside its body are generous, and a stall ends in seconds instead
 * of the minute a listing's body may legitimately pause.
 */
export const SMALL_ANSWER = {
  maxResponseBytes: SMALL_ANSWER_BYTES,
  timeouts: { headersMs: 30_000, bodyMs: 10_000 },
} as const;
export const LISTING_PAGE_BYTES = 16 * 1024 * 1024;

/**
 * Bounds of one listing, for a remote that never stops talking: at most 10,000,000 files (Composio's
 * page limit gives the same), each entry at most 64 KiB of JSON (a real one is ~200 bytes; two
 * 255-byte names fully escaped stay under 4 KiB), and an unpaged body at most 4 GiB (10,000,000
 * entries of ~400 bytes). None of it is memory: the listing passes through a batch at a time.
 */
export const MAX_LISTED_FILES = 10_000_000;
export const MAX_LISTED_FILE_BYTES = 64 * 1024;
export const UNPAGED_LISTING_BYTES = 4 * 1024 * 1024 * 1024;
/** Entries handed to the mirror at a time from an unpaged listing: one short transaction each. */
export const LISTING_BATCH = 2000;

/** A whole listing in one array, for `RemoteProvider.list` (tests, small remotes). */
export async function collectListing(
  list: (onBatch: ListingSink) => Promise<unknown>,
): Promise<RemoteEntry[]> {
  const entries: RemoteEntry[] = [];
  await list((batch) => {
    for (const entry of batch) entries.push(entry);
  });
  return entries;
}

/**
 * A remote key as one segment of a URL path. `.` and `..` (and `%2E` forms, which URL parsing treats
 * the same) cannot be one: the URL would resolve to another route, whose 404 reads like "already
 * gone". No provider's key is empty or all dots, so such a key is refused before anything is sent.
 */
export function keySegment(key: string): string {
  if (key === '' || /^(\.|%2e)+$/i.test(key)) {
    throw new SyncError('remote-rejected', `“${key}” is not the key of a remote file`);
  }
  return encodeURIComponent(key);
}
