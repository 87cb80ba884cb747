import { SyncError } from '../sync-error.js';
import type { HttpClient } from './http-client.js';
import { openBody, SMALL_ANSWER, SMALL_ANSWER_BYTES } from './provider-helpers.js';
import type { BodySource, UploadCandidate, UploadTicket } from './remote-provider.js';
import { classifyPresignedPutError } from './s3-error.js';

/** The private part of a `send` ticket for the dialects that upload through a presigned PUT. */
export interface PresignedTarget {
  url: string;
  /** The Content-MD5 header value: the base64 MD5 the URL was signed for. */
  md5Base64: string;
  /** The Content-Type the URL was signed for. */
  mimeType: string;
  /** Headers the store behind the URL requires besides those (Azure's `x-ms-blob-type`). */
  headers?: Readonly<Record<string, string>>;
}

export function isPresignedTarget(value: unknown): value is PresignedTarget {
  if (value === null || typeof value !== 'object') return false;
  const target = value as Record<string, unknown>;
  return (
    typeof target.url === 'string' &&
    typeof target.md5Base64 === 'string' &&
    typeof target.mimeType === 'string' &&
    (target.headers === undefined || (typeof target.headers === 'object' && target.headers !== null))
  );
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * PUTs a file's bytes to a presigned URL: Content-Type and Content-MD5 as signed (and any header the
 * store requires, e.g. Azure's blob type), Content-Length from
 * the file size, the body streamed from the source (never buffered) and no credential at all (the
 * URL carries its own). Failures are classified from the store's S3 XML error document.
 */
export async function putPresigned(
  http: HttpClient,
  ticket: Extract<UploadTicket, { kind: 'send' }>,
  file: UploadCandidate,
  body: BodySource,
  signal: AbortSignal | undefined,
): Promise<void> {
  const target = ticket.target;
  if (!isPresignedTarget(target)) {
    throw new SyncError('config', `This upload ticket was not made by ${http.label}.`, {
      reason: 'foreign-ticket',
    });
  }
  const { source, release } = openBody(body);
  try {
    await http.request({
      method: 'PUT',
      url: target.url,
      target: 'object',
      action: 'store the file',
      maxResponseBytes: SMALL_ANSWER_BYTES,
      timeouts: { bodyMs: SMALL_ANSWER.timeouts.bodyMs },
      headers: {
        ...target.headers,
        'content-type': target.mimeType,
        'content-md5': target.md5Base64,
        'content-length': String(file.size),
      },
      body: source,
      ...(signal ? { signal } : {}),
      classify: (failed) => classifyPresignedPutError(failed, http.label, file.size),
    });
  } finally {
    release();
  }
}

/** `send` for the dialects that upload through a presigned URL (Alloy, Composio): PUT, then the key. */
export async function sendToPresignedUrl(
  http: HttpClient,
  label: string,
  ticket: Extract<UploadTicket, { kind: 'send' }>,
  file: UploadCandidate,
  body: BodySource,
  signal?: AbortSignal,
): Promise<string> {
  if (ticket.key === null) throw new SyncError('config', `This upload ticket was not made by ${label}.`);
  await putPresigned(http, ticket, file, body, signal);
  return ticket.key;
}
