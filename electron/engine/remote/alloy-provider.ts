import { PROVIDERS } from '../../../shared/providers.js';
import { SyncError } from '../sync-error.js';
import { AlloyMultipart } from './alloy-multipart.js';
import { HttpClient, type HttpConnectionOptions } from './http-client.js';
import { AlloyTicketBatches, ticketRequestFields, uploadTicketOf } from './alloy-tickets.js';
import { sendToPresignedUrl } from './presigned-upload.js';
import type {
  BodySource,
  ListingResult,
  ListingSink,
  MultipartUploads,
  ProviderInfo,
  RemoteEntry,
  RemoteProvider,
  UploadCandidate,
  UploadTicket,
} from './remote-provider.js';
import {
  collectListing,
  connectionOptions,
  keySegment,
  parseTime,
  SMALL_ANSWER,
  UNPAGED_LISTING_BYTES,
} from './provider-helpers.js';
import type { ListedFile } from './alloy-schemas.js';
import { expectShape } from './response-shape.js';

/**
 * Alloy's file API (API.md §1). Every call carries `Authorization: Bearer` and `x-api-version`; an
 * upload is a ticket from `upload/request` (the remote answers `existing` when it already has these
 * bytes under this name) and then a PUT to the presigned URL it returned. The same dialect, pointed
 * at the reference server the host runs on this machine, is the `local` provider ("This computer").
 */
export const ALLOY_API_VERSION = '2025-09';

export interface AlloyProviderOptions extends HttpConnectionOptions {
  /** e.g. https://production.runalloy.com; a trailing slash is fine. */
  baseUrl: string;
  token: string;
  /** `local` for the embedded reference server. Default `alloy`. */
  kind?: 'alloy' | 'local';
  /** Default "Alloy", or "This computer" for `local`. */
  label?: string;
}

export class AlloyProvider implements RemoteProvider {
  readonly info: ProviderInfo;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  /**
   * Uploads in parts (docs/reference-remote.md §2a): the reference remote has them; real Alloy's
   * public API does not, and `start` then says so (`no-multipart`).
   */
  readonly multipart: MultipartUploads;
  /** The reference remote's batches of tickets, once one of its answers offered them. */
  readonly ticketBatches: AlloyTicketBatches;

  constructor(options: AlloyProviderOptions) {
    const kind = options.kind ?? 'alloy';
    const label = options.label ?? PROVIDERS[kind].label;
    const largest = PROVIDERS[kind].largestUpload;
    this.info = {
      kind,
      label,
      needsSha256: false,
      canDelete: PROVIDERS[kind].canDelete,
      ...(largest !== null ? { maxSingleUploadBytes: largest } : {}),
    };
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.headers = { authorization: `Bearer ${options.token}`, 'x-api-version': ALLOY_API_VERSION };
    this.http = new HttpClient({
      label,
      credentialName: 'API token',
      errorMessage: alloyErrorMessage,
      secrets: [options.token],
      ...connectionOptions(options),
    });
    this.multipart = new AlloyMultipart(this.http, this.base, this.headers);
    this.ticketBatches = new AlloyTicketBatches(this.http, this.base, this.headers);
  }

  async prepareUpload(file: UploadCandidate, signal?: AbortSignal): Promise<UploadTicket> {
    const action = `prepare the upload of ${file.path}`;
    const request = {
      method: 'POST' as const,
      url: `${this.base}/connectors/files/upload/request`,
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify(ticketRequestFields(file)),
      action,
      ...SMALL_ANSWER,
      ...(signal ? { signal } : {}),
    };
    const response = await this.http.request(request);
    this.ticketBatches.learnFrom(response);
    const answer = this.http.parseJson(response, request);
    const { ticketSchema } = await import('./alloy-schemas.js');
    const { presignedUrl: ticket } = expectShape(this.http, ticketSchema, answer, action);
    return uploadTicketOf(this.http, ticket, file, action);
  }

  async send(
    ticket: Extract<UploadTicket, { kind: 'send' }>,
    file: UploadCandidate,
    body: BodySource,
    signal?: AbortSignal,
  ): Promise<string> {
    return sendToPresignedUrl(this.http, this.info.label, ticket, file, body, signal);
  }

  list(signal?: AbortSignal): Promise<RemoteEntry[]> {
    return collectListing((onBatch) => this.listInBatches(onBatch, signal));
  }

  async listInBatches(onBatch: ListingSink, signal?: AbortSignal): Promise<void> {
    // Without a version to compare with, a 304 is refused in listSince: this is never `unchanged`.
    await this.listSince(null, onBatch, signal);
  }

  async listSince(
    version: string | null,
    onBatch: ListingSink,
    signal?: AbortSignal,
  ): Promise<ListingResult> {
    const action = 'list files';
    const request = {
      method: 'GET' as const,
      url: `${this.base}/connectors/files/list`,
      headers: version === null ? this.headers : { ...this.headers, 'if-none-match': version },
      action,
      okStatuses: [304],
      maxResponseBytes: UNPAGED_LISTING_BYTES,
      ...(signal ? { signal } : {}),
    };
    const response = await this.http.requestStream(request);
    this.ticketBatches.learnFrom(response);
    if (response.status === 304) {
      response.cancel();
      if (version !== null) return { unchanged: true };
      throw this.http.unexpectedShape(request, 'a 304 Not Modified to a listing that was not conditional');
    }
    const etag = response.headers.etag;
    // Loaded here, not at start: a repeat run's listing is mostly a 304 with no body to read or check,
    // and the JSON stream parser and zod are ~0.09 s of start-up (docs/benchmarks.md, issue 18).
    let schemas;
    let listing;
    try {
      [schemas, listing] = await Promise.all([import('./alloy-schemas.js'), import('./unpaged-listing.js')]);
    } catch (error) {
      response.cancel();
      throw error;
    }
    const { listedFileSchema } = schemas;
    const { checkedEntry } = listing;
    const toEntry = (listed: unknown, index: number): RemoteEntry =>
      entryOf(checkedEntry(listedFileSchema, listed, `files[${index}]`));
    await listing.readUnpagedListing(this.http, request, response, 'files', toEntry, onBatch);
    return { unchanged: false, version: typeof etag === 'string' && etag !== '' ? etag : null };
  }

  /** Deleting a key that is already gone succeeds: the remote is as asked. */
  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      url: `${this.base}/connectors/files/${keySegment(key)}`,
      headers: this.headers,
      action: `delete ${key}`,
      ...SMALL_ANSWER,
      ...(signal ? { signal } : {}),
      okStatuses: [404],
      classify: (response) => {
        // Alloy answers 403 for a key of another user: a problem with that file, not with the token.
        if (response.status === 403) {
          return new SyncError(
            'remote-rejected',
            `${this.info.label} does not let this account delete ${key}: ${this.http.serverMessage(response) || 'it belongs to someone else'}.`,
            { status: 403, reason: 'not-owner' },
          );
        }
        return undefined;
      },
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** One listed file, once checked (a bad one is named: "files[12].s3Key is missing"). */
function entryOf(file: ListedFile): RemoteEntry {
  return {
    key: file.s3Key,
    name: file.filename,
    size: typeof file.size === 'number' && Number.isFinite(file.size) ? file.size : null,
    lastModified: parseTime(file.lastModified),
    md5: null,
    sha256: null,
  };
}

/** Alloy's error body (ours, API.md §1): `{"error": {"message", "code"}}`. */
function alloyErrorMessage(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
