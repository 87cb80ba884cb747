import { PROVIDERS } from '../../../shared/providers.js';
import { z } from 'zod';
import { sanitizeRemoteFilename } from '../../../shared/remote-filename.js';
import { SyncError } from '../sync-error.js';
import { ComposioApiVersions, type ComposioApiVersion } from './composio-api-version.js';
import { readComposioTicket } from './composio-ticket.js';
import { HttpClient, type HttpConnectionOptions } from './http-client.js';
import { sendToPresignedUrl } from './presigned-upload.js';
import {
  collectListing,
  connectionOptions,
  LISTING_PAGE_BYTES,
  MAX_LISTED_FILES,
  mimeTypeOf,
  SMALL_ANSWER,
  trimBase,
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

/**
 * Composio's file API, v3.1 (falling back to v3 where a server lacks it; composio-api-version.ts):
 * `x-api-key`, files scoped to a toolkit and a tool, upload by ticket (composio-ticket.ts) and
 * presigned PUT, a cursor-paged list, and no delete.
 *
 * Keys. The upload request returns a `key` (the reference server's is
 * `{userId}/{toolkit}/{tool}/{filename}`), but the list returns no key at all, only `toolkit_slug`,
 * `tool_slug` and `filename`. So the key Hoist uses for Composio is one both can produce:
 *
 *   `${toolkit_slug}/${tool_slug}/${filename}`
 *
 * with `filename` as the remote stored it: the last `/`-segment of the upload request's `key` (the
 * sanitized name; no segment of it can contain `/`), or, if the answer has no usable key, our own
 * prediction of the sanitizing (shared/remote-filename.ts). The list builds the same string from its
 * fields, so a file uploaded and then listed has one key.
 */
export interface ComposioProviderOptions extends HttpConnectionOptions {
  /** e.g. https://backend.composio.dev */
  baseUrl: string;
  token: string;
  /** Where the files live in Composio. Defaults 'hoist' and 'sync'. */
  toolkitSlug?: string;
  toolSlug?: string;
}

/** Files a listing page asks for: the most each version allows (v3: 1000; v3.1's spec: 50). */
export const COMPOSIO_PAGE_SIZE: Record<ComposioApiVersion, number> = { v3: 1000, 'v3.1': 50 };

const pageSchema = z.object({
  items: z.array(
    z.object({
      toolkit_slug: z.string(),
      tool_slug: z.string(),
      filename: z.string(),
      md5: z.string().nullish(),
    }),
  ),
  next_cursor: z.string().nullish(),
});

export class ComposioProvider implements RemoteProvider {
  readonly info: ProviderInfo = {
    kind: 'composio',
    label: PROVIDERS.composio.label,
    needsSha256: false,
    canDelete: PROVIDERS.composio.canDelete,
    // Its tickets are S3 (or Azure) presigned PUTs: S3's single-PUT limit (shared/providers.ts).
    maxSingleUploadBytes: PROVIDERS.composio.largestUpload ?? Number.POSITIVE_INFINITY,
  };
  readonly toolkitSlug: string;
  readonly toolSlug: string;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly versions: ComposioApiVersions;

  constructor(options: ComposioProviderOptions) {
    this.base = trimBase(options.baseUrl);
    this.toolkitSlug = options.toolkitSlug ?? 'hoist';
    this.toolSlug = options.toolSlug ?? 'sync';
    this.headers = { 'x-api-key': options.token };
    this.http = new HttpClient({
      label: this.info.label,
      credentialName: 'API key',
      errorMessage: composioErrorMessage,
      secrets: [options.token],
      ...connectionOptions(options),
    });
    this.versions = new ComposioApiVersions(this.http, this.base);
  }

  /** The API version the server answered in, once it has answered (null before). */
  get apiVersion(): ComposioApiVersion | null {
    return this.versions.version;
  }

  /** The key of a file in this provider's toolkit and tool, named as the remote stores it. */
  keyFor(storedFilename: string, toolkitSlug = this.toolkitSlug, toolSlug = this.toolSlug): string {
    return `${toolkitSlug}/${toolSlug}/${storedFilename}`;
  }

  async prepareUpload(file: UploadCandidate, signal?: AbortSignal): Promise<UploadTicket> {
    const action = `prepare the upload of ${file.path}`;
    const mimeType = mimeTypeOf(file);
    const { answer } = await this.versions.requestJson(() => 'files/upload/request', {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        toolkit_slug: this.toolkitSlug,
        tool_slug: this.toolSlug,
        filename: file.remoteName,
        mimetype: mimeType,
        md5: file.md5Hex.toLowerCase(),
      }),
      action,
      ...SMALL_ANSWER,
      ...(signal ? { signal } : {}),
    });
    return readComposioTicket(this.http, answer, action, {
      key: (remoteKey) => this.keyFor(storedFilename(remoteKey, file.remoteName)),
      md5Hex: file.md5Hex,
      mimeType,
    });
  }

  async send(
    ticket: Extract<UploadTicket, { kind: 'send' }>,
    file: UploadCandidate,
    body: BodySource,
    signal?: AbortSignal,
  ): Promise<string> {
    return sendToPresignedUrl(this.http, this.info.label, ticket, file, body, signal);
  }

  /**
   * Every file of the account's project, all toolkits and tools, every page (as many a page as the
   * version allows), following
   * `next_cursor` to the end: the remote list shows what is really there. Files of other toolkits
   * are named `toolkit/tool/filename`, so they read as what they are; sync only ever writes its own
   * toolkit and tool (keys say which), so it never touches them. Each page is one batch: only the
   * page in hand is held (and the cursors seen, to stop one that goes round in circles).
   */
  async listInBatches(onBatch: ListingSink, signal?: AbortSignal): Promise<void> {
    const seenCursors = new Set<string>();
    let cursor: string | null = null;
    for (let page = 1; ; page++) {
      const action = `list files (page ${page})`;
      const { answer, version } = await this.versions.requestJson(
        (asked) => {
          const query = new URLSearchParams({ limit: String(COMPOSIO_PAGE_SIZE[asked]) });
          if (cursor !== null) query.set('cursor', cursor);
          return `files/list?${query.toString()}`;
        },
        {
          method: 'GET',
          headers: this.headers,
          action,
          maxResponseBytes: LISTING_PAGE_BYTES,
          ...(signal ? { signal } : {}),
        },
      );
      // A listing that claims more pages than this is going round in circles (10 million files).
      const maxPages = Math.ceil(MAX_LISTED_FILES / COMPOSIO_PAGE_SIZE[version]);
      const { items, next_cursor: next } = expectShape(this.http, pageSchema, answer, action);
      await onBatch(
        items.map((item) => ({
          key: this.keyFor(item.filename, item.toolkit_slug, item.tool_slug),
          name:
            item.toolkit_slug === this.toolkitSlug && item.tool_slug === this.toolSlug
              ? item.filename
              : `${item.toolkit_slug}/${item.tool_slug}/${item.filename}`,
          size: null,
          lastModified: null,
          md5:
            typeof item.md5 === 'string' && /^[0-9a-f]{32}$/i.test(item.md5) ? item.md5.toLowerCase() : null,
          sha256: null,
        })),
      );
      if (next === null || next === undefined || next === '') return;
      if (seenCursors.has(next)) {
        throw this.http.unexpectedShape(
          { action },
          `next_cursor ${JSON.stringify(next)} repeats: the listing would never end`,
        );
      }
      if (page >= maxPages) {
        throw this.http.unexpectedShape(
          { action },
          `the listing goes on past ${maxPages.toLocaleString('en')} pages (${MAX_LISTED_FILES.toLocaleString('en')} files), more than Hoist mirrors`,
        );
      }
      seenCursors.add(next);
      cursor = next;
    }
  }

  list(signal?: AbortSignal): Promise<RemoteEntry[]> {
    return collectListing((onBatch) => this.listInBatches(onBatch, signal));
  }

  async delete(_key: string, _signal?: AbortSignal): Promise<void> {
    throw new SyncError(
      'unsupported',
      "Composio has no API to delete files; remove it in Composio's dashboard.",
      {
        reason: 'no-delete',
      },
    );
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** The filename the remote stored: the last segment of the key it returned, else our prediction. */
function storedFilename(key: string | undefined, remoteName: string): string {
  const last = key?.split('/').pop();
  return last !== undefined && last !== '' ? last : sanitizeRemoteFilename(remoteName);
}

/** Composio's error body: `{"error": {"message", "slug", "suggested_fix"?, "errors"?}}`. */
function composioErrorMessage(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === 'string') return error;
  if (error === null || typeof error !== 'object') return undefined;
  const { message, suggested_fix: fix, errors } = error as Record<string, unknown>;
  if (typeof message !== 'string') return undefined;
  const details = Array.isArray(errors)
    ? errors.filter((item): item is string => typeof item === 'string')
    : [];
  return [message, ...details, ...(typeof fix === 'string' ? [fix] : [])].join(' — ');
}
