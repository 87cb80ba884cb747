// Just past 300 lines: one provider (the upload's two steps, the listing with its processing status,
// deletes) over one HTTP client and one response schema; the hash index and the listing stream are
// modules of their own already.
import { PROVIDERS } from '../../../shared/providers.js';
import { z } from 'zod';
import { SyncError } from '../sync-error.js';
import { HttpClient, type HttpConnectionOptions } from './http-client.js';
import { multipartBody } from './multipart-body.js';
import { HashIndex, SHA256_HEX } from './openwebui-hash-index.js';
import {
  collectListing,
  connectionOptions,
  keySegment,
  mimeTypeOf,
  openBody,
  SMALL_ANSWER,
  SMALL_ANSWER_BYTES,
  trimBase,
  UNPAGED_LISTING_BYTES,
} from './provider-helpers.js';
import type {
  BodySource,
  ListingSink,
  ProviderInfo,
  RemoteEntry,
  RemoteProvider,
  UploadCandidate,
  UploadTicket,
} from './remote-provider.js';
import { expectShape } from './response-shape.js';
import { checkedEntry, readUnpagedListing } from './unpaged-listing.js';

/**
 * Open WebUI's file API (API.md §3), mounted at `{base}/api/v1/files/`. Uploads are direct multipart
 * POSTs that always create a new file with a new id; nothing is ever overwritten, and the remote does
 * not dedupe. So Hoist dedupes itself, by SHA-256: every upload carries `metadata.file_hash`, the
 * listing reads it back from `meta.file_hash`, and `prepareUpload` answers `existing` with the id of a
 * file that already has those bytes. When a changed file got a new id, `replaced` deletes the old one.
 *
 * The hash index is the last listing plus what this provider uploaded or deleted since; a file
 * removed on the remote by someone else stays in it until the next listing. The listing itself (one
 * unpaged array) is streamed; the index is what stays in memory of it: the ids and hashes of the
 * files that carry a `file_hash`.
 */
export interface OpenWebUiProviderOptions extends HttpConnectionOptions {
  /** The Open WebUI address, e.g. https://chat.example.com (without /api/v1). */
  baseUrl: string;
  token: string;
}

const fileSchema = z.object({
  id: z.string().min(1),
  filename: z.string().nullish(),
  meta: z
    .object({
      name: z.string().nullish(),
      size: z.number().nullish(),
      file_hash: z.string().nullish(),
    })
    .loose()
    .nullish(),
  // What Open WebUI did with the file after storing it (API.md §3): its text extraction. Checked
  // loosely: a status this client does not know is read as no status rather than failing the listing.
  data: z.object({ status: z.string().nullish(), error: z.unknown().optional() }).loose().nullish(),
  updated_at: z.number().nullish(),
  created_at: z.number().nullish(),
});
type FileObject = z.infer<typeof fileSchema>;

export class OpenWebUiProvider implements RemoteProvider {
  readonly info: ProviderInfo = {
    kind: 'openwebui',
    label: PROVIDERS.openwebui.label,
    needsSha256: true,
    canDelete: PROVIDERS.openwebui.canDelete,
    processesUploads: true,
  };
  private readonly http: HttpClient;
  private readonly filesUrl: string;
  private readonly headers: Record<string, string>;
  /** What the last listing and this provider's own uploads and deletions say is there (null: not listed yet). */
  private index: HashIndex | null = null;
  /** A listing run only to fill the hash index, shared by the uploads waiting for it. */
  private indexing: Promise<void> | null = null;

  constructor(options: OpenWebUiProviderOptions) {
    const base = trimBase(options.baseUrl).replace(/\/api(\/v1)?$/, '');
    this.filesUrl = `${base}/api/v1/files/`;
    this.headers = { authorization: `Bearer ${options.token}` };
    this.http = new HttpClient({
      label: this.info.label,
      credentialName: 'API key',
      errorMessage: openWebUiErrorMessage,
      secrets: [options.token],
      ...connectionOptions(options),
    });
  }

  async prepareUpload(file: UploadCandidate, signal?: AbortSignal): Promise<UploadTicket> {
    const sha256 = file.sha256Hex?.toLowerCase();
    if (sha256 === undefined || !SHA256_HEX.test(sha256)) {
      throw new SyncError(
        'config',
        `Open WebUI needs the SHA-256 of ${file.path}, and it was not computed.`,
        {
          path: file.path,
          reason: 'missing-sha256',
        },
      );
    }
    if (this.index === null) await this.loadIndex(signal);
    const existing = this.index?.idOf(sha256);
    if (existing !== undefined) return { kind: 'existing', key: existing };
    return { kind: 'send', key: null, target: { sha256 } };
  }

  async send(
    ticket: Extract<UploadTicket, { kind: 'send' }>,
    file: UploadCandidate,
    body: BodySource,
    signal?: AbortSignal,
  ): Promise<string> {
    const sha256 = (ticket.target as { sha256?: unknown } | null)?.sha256;
    if (typeof sha256 !== 'string') {
      throw new SyncError('config', `This upload ticket was not made by ${this.info.label}.`, {
        reason: 'foreign-ticket',
      });
    }
    const { source, release } = openBody(body);
    const multipart = multipartBody([{ name: 'metadata', value: JSON.stringify({ file_hash: sha256 }) }], {
      name: 'file',
      filename: file.remoteName,
      contentType: mimeTypeOf(file),
      size: file.size,
      body: source,
    });
    const action = `upload ${file.path}`;
    let answer: unknown;
    try {
      answer = await this.http.requestJson({
        method: 'POST',
        url: this.filesUrl,
        headers: {
          ...this.headers,
          'content-type': multipart.contentType,
          'content-length': String(multipart.contentLength),
        },
        body: multipart.body,
        action,
        maxResponseBytes: SMALL_ANSWER_BYTES,
        timeouts: { bodyMs: SMALL_ANSWER.timeouts.bodyMs },
        ...(signal ? { signal } : {}),
        classify: (response) => {
          // Ours: the server checks metadata.file_hash against the bytes that arrived.
          if (
            response.status === 400 &&
            /file_hash does not match/i.test(this.http.serverMessage(response))
          ) {
            return new SyncError(
              'remote-rejected',
              'The file changed while it was being uploaded; it will be hashed again.',
              {
                status: 400,
                reason: 'digest-mismatch',
              },
            );
          }
          return undefined;
        },
      });
    } finally {
      release();
    }
    const stored = expectShape(this.http, fileSchema, answer, action);
    (this.index ??= new HashIndex()).remember(stored.id, stored.meta?.file_hash ?? sha256);
    return stored.id;
  }

  /**
   * Every file the token can see (`content=false`: no extracted text), one array read as it
   * arrives; the hash index is rebuilt from it and replaces the old one once the listing ended well.
   */
  async listInBatches(onBatch: ListingSink, signal?: AbortSignal): Promise<void> {
    const request = {
      method: 'GET' as const,
      url: `${this.filesUrl}?content=false`,
      headers: this.headers,
      action: 'list files',
      maxResponseBytes: UNPAGED_LISTING_BYTES,
      ...(signal ? { signal } : {}),
    };
    const index = new HashIndex();
    const response = await this.http.requestStream(request);
    await readUnpagedListing(
      this.http,
      request,
      response,
      null,
      (listed, position) => {
        const entry = toEntry(checkedEntry(fileSchema, listed, `[${position}]`));
        if (entry.sha256 !== null) index.remember(entry.key, entry.sha256);
        return entry;
      },
      onBatch,
    );
    this.index = index;
  }

  list(signal?: AbortSignal): Promise<RemoteEntry[]> {
    return collectListing((onBatch) => this.listInBatches(onBatch, signal));
  }

  /** Deleting an id that is already gone succeeds: the remote is as asked. */
  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      url: `${this.filesUrl}${keySegment(key)}`,
      headers: this.headers,
      action: `delete ${key}`,
      ...SMALL_ANSWER,
      okStatuses: [404],
      ...(signal ? { signal } : {}),
    });
    this.index?.forget(key);
  }

  /**
   * A changed file was uploaded under `newKey`: remove the version under `oldKey`. The caller must
   * only call this when no other local file still uses `oldKey` (two files with the same bytes share
   * one id here).
   */
  async replaced(oldKey: string, newKey: string, signal?: AbortSignal): Promise<void> {
    if (oldKey === newKey) return;
    await this.delete(oldKey, signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * Fills the hash index with a listing of its own. Concurrent callers (several prepareUploads before
   * the first listing) share one request, which therefore follows no caller's signal; each caller
   * stops waiting when its own signal aborts.
   */
  private loadIndex(signal: AbortSignal | undefined): Promise<void> {
    if (this.indexing === null) {
      const indexing = this.listInBatches(() => undefined);
      this.indexing = indexing;
      indexing
        .finally(() => {
          if (this.indexing === indexing) this.indexing = null;
        })
        .catch(() => undefined);
    }
    return untilAborted(this.indexing, signal);
  }
}

/** `promise`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `meta.file_hash` is the SHA-256 Hoist (or another client) sent. The top-level `hash` is not used:
 * in Open WebUI it is the hash of the extracted text, not of the bytes.
 */
function toEntry(file: FileObject): RemoteEntry {
  const fileHash = file.meta?.file_hash;
  const seconds = file.updated_at ?? file.created_at;
  return {
    key: file.id,
    name: file.filename ?? file.meta?.name ?? file.id,
    size: typeof file.meta?.size === 'number' ? file.meta.size : null,
    lastModified: typeof seconds === 'number' ? seconds * 1000 : null,
    md5: null,
    sha256: typeof fileHash === 'string' && SHA256_HEX.test(fileHash) ? fileHash.toLowerCase() : null,
    ...processingOf(file),
  };
}

const PROCESSING_STATUSES = new Set(['pending', 'completed', 'failed']);
// A reason is shown in the window; a remote's stack trace is not a reason.
const MAX_REASON_CHARS = 500;

/**
 * `data.status` and, for a failure, `data.error` (Open WebUI stores the extraction's error there).
 * A file without a known status says nothing: older servers do not report one.
 */
function processingOf(file: FileObject): Pick<RemoteEntry, 'processing'> {
  const status = file.data?.status;
  if (typeof status !== 'string' || !PROCESSING_STATUSES.has(status)) return {};
  const error = file.data?.error;
  const reason =
    typeof error === 'string' && error.trim() !== '' ? error.trim().slice(0, MAX_REASON_CHARS) : null;
  return {
    processing: {
      status: status as NonNullable<RemoteEntry['processing']>['status'],
      error: status === 'failed' ? reason : null,
    },
  };
}

/** Open WebUI (FastAPI) errors: `{"detail": "..."}` or a 422's `{"detail": [{"msg", "loc"}]}`. */
function openWebUiErrorMessage(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | null | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return undefined;
  const messages = detail
    .map((item: unknown) => {
      const { msg, loc } = (item ?? {}) as { msg?: unknown; loc?: unknown };
      if (typeof msg !== 'string') return undefined;
      return Array.isArray(loc) ? `${loc.join('.')}: ${msg}` : msg;
    })
    .filter((message): message is string => message !== undefined);
  return messages.length > 0 ? messages.join('; ') : undefined;
}
