import { SyncError } from '../sync-error.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.js';
import { headerText } from './http-types.js';
import { mimeTypeOf, openBody, SMALL_ANSWER, SMALL_ANSWER_BYTES } from './provider-helpers.js';
import type {
  BodySource,
  MultipartListing,
  MultipartStart,
  MultipartUploads,
  PartTarget,
  UploadCandidate,
} from './remote-provider.js';
import type * as MultipartSchemas from './alloy-multipart-schemas.js';
import { expectShape } from './response-shape.js';
import { classifyPresignedPutError } from './s3-error.js';

/** S3's limits, which the reference remote keeps unless told otherwise (`--min-part-size`). */
const S3_LIMITS = { minPartBytes: 5 * 1024 ** 2, maxPartBytes: 5 * 1024 ** 3, maxParts: 10_000 } as const;

/**
 * The multipart calls of the Alloy dialect the reference remote speaks (docs/reference-remote.md
 * §2a), for the `local` and `alloy` providers. Control calls go to the API with the provider's
 * credentials; parts go to presigned URLs (the fs backend's own, or S3's UploadPart) with none.
 */
export class AlloyMultipart implements MultipartUploads {
  private learnedLimits: MultipartUploads['limits'] = S3_LIMITS;

  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
    private readonly headers: Readonly<Record<string, string>>,
  ) {}

  /** S3's until the remote says otherwise in a create's answer. */
  get limits(): MultipartUploads['limits'] {
    return this.learnedLimits;
  }

  async start(
    file: UploadCandidate,
    options: { partSize?: number } = {},
    signal?: AbortSignal,
  ): Promise<MultipartStart> {
    const action = `start the multipart upload of ${file.path}`;
    const answer = await this.control(
      'POST',
      '/create',
      action,
      {
        filename: file.remoteName,
        mimeType: mimeTypeOf(file),
        md5: file.md5Hex.toLowerCase(),
        size: file.size,
        ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      },
      signal,
    );
    const created = expectShape(this.http, (await multipartSchemas()).createdSchema, answer, action);
    if (created.type === 'existing') return { kind: 'existing', key: created.s3Key };
    if (created.minPartSize !== undefined || created.maxParts !== undefined) {
      this.learnedLimits = {
        ...this.learnedLimits,
        ...(created.minPartSize !== undefined ? { minPartBytes: created.minPartSize } : {}),
        ...(created.maxParts !== undefined ? { maxParts: created.maxParts } : {}),
      };
    }
    return {
      kind: 'multipart',
      uploadId: created.uploadId,
      key: created.s3Key,
      size: created.size,
      partSize: created.partSize,
      partCount: created.partCount,
      ...(created.replaces !== undefined ? { replaces: created.replaces } : {}),
    };
  }

  async partUrls(
    uploadId: string,
    parts: ReadonlyArray<{ partNumber: number; md5Hex: string }>,
    signal?: AbortSignal,
  ): Promise<PartTarget[]> {
    const action = 'get upload links for parts';
    const answer = await this.control(
      'POST',
      `/${encodeURIComponent(uploadId)}/part-urls`,
      action,
      { parts: parts.map(({ partNumber, md5Hex }) => ({ partNumber, md5: md5Hex.toLowerCase() })) },
      signal,
    );
    return expectShape(this.http, (await multipartSchemas()).partUrlsSchema, answer, action).parts.map(
      (part) => ({
        partNumber: part.partNumber,
        url: part.url,
        md5Base64: part.md5,
        expiresAt: Date.parse(part.expiresAt),
      }),
    );
  }

  async sendPart(target: PartTarget, size: number, body: BodySource, signal?: AbortSignal): Promise<string> {
    const { source, release } = openBody(body);
    let response: HttpResponse;
    try {
      response = await this.http.request({
        method: 'PUT',
        url: target.url,
        target: 'object',
        action: `store part ${target.partNumber}`,
        maxResponseBytes: SMALL_ANSWER_BYTES,
        timeouts: { bodyMs: SMALL_ANSWER.timeouts.bodyMs },
        headers: { 'content-md5': target.md5Base64, 'content-length': String(size) },
        body: source,
        ...(signal ? { signal } : {}),
        classify: (failed) => classifyPresignedPutError(failed, this.http.label, size),
      });
    } finally {
      release();
    }
    const expected = Buffer.from(target.md5Base64, 'base64').toString('hex');
    const etag = headerText(response.headers.etag).replace(/"/g, '').toLowerCase();
    // The store answers the MD5 of what it stored: anything else is not the part that was sent.
    if (etag !== expected) {
      throw this.http.unexpectedShape(
        { action: `store part ${target.partNumber}` },
        `the store answered the ETag "${etag}", not the part's MD5 ${expected}`,
      );
    }
    return etag;
  }

  async listParts(uploadId: string, signal?: AbortSignal): Promise<MultipartListing | null> {
    const action = 'list the parts of a multipart upload';
    const answer = await this.control('GET', `/${encodeURIComponent(uploadId)}`, action, undefined, signal, {
      goneIsNull: true,
    });
    if (answer === null) return null;
    const listed = expectShape(this.http, (await multipartSchemas()).listingSchema, answer, action);
    const md5Hex = Buffer.from(listed.md5, 'base64').toString('hex');
    return {
      uploadId: listed.uploadId,
      key: listed.s3Key,
      size: listed.size,
      partSize: listed.partSize,
      partCount: listed.partCount,
      md5Hex,
      parts: listed.parts.map((part) => ({
        partNumber: part.partNumber,
        md5Hex: part.etag.replace(/"/g, '').toLowerCase(),
        size: part.size,
      })),
    };
  }

  async complete(
    uploadId: string,
    parts: ReadonlyArray<{ partNumber: number; md5Hex: string }>,
    signal?: AbortSignal,
  ): Promise<string> {
    const action = 'complete the multipart upload';
    const answer = await this.control(
      'POST',
      `/${encodeURIComponent(uploadId)}/complete`,
      action,
      { parts: parts.map(({ partNumber, md5Hex }) => ({ partNumber, etag: `"${md5Hex.toLowerCase()}"` })) },
      signal,
    );
    return expectShape(this.http, (await multipartSchemas()).completedSchema, answer, action).s3Key;
  }

  async abort(uploadId: string, signal?: AbortSignal): Promise<void> {
    await this.control(
      'POST',
      `/${encodeURIComponent(uploadId)}/abort`,
      'abort the multipart upload',
      {},
      signal,
      {
        goneIsNull: true,
      },
    );
  }

  /**
   * One control call; its JSON answer. `goneIsNull`: a 404 NO_SUCH_UPLOAD answers null instead of
   * throwing (listing or aborting an upload that is gone is an answer, not a failure).
   */
  private async control(
    method: 'GET' | 'POST',
    path: string,
    action: string,
    body: unknown,
    signal: AbortSignal | undefined,
    options: { goneIsNull?: boolean } = {},
  ): Promise<unknown> {
    const request: HttpRequest = {
      method,
      url: `${this.base}/connectors/files/multipart${path}`,
      headers:
        body === undefined ? { ...this.headers } : { ...this.headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      action,
      ...SMALL_ANSWER,
      ...(options.goneIsNull === true ? { okStatuses: [404] } : {}),
      ...(signal ? { signal } : {}),
      classify: (response) => this.classify(response),
    };
    const response = await this.http.request(request);
    if (response.status === 404) {
      // Only reached with goneIsNull (404 is otherwise classified and thrown).
      const failure = this.classify(response);
      if (failure?.reason === 'no-such-upload') return null;
      throw failure ?? this.http.unexpectedShape(request, 'a 404 without an error code');
    }
    return this.http.parseJson(response, request);
  }

  private classify(response: HttpResponse): SyncError | undefined {
    const code = errorCode(response.text);
    const message = this.http.serverMessage(response);
    const label = this.http.label;
    const rejected = (reason: 'no-such-upload' | 'invalid-part', text: string): SyncError =>
      new SyncError('remote-rejected', text, { status: response.status, reason, detail: message });
    if (response.status === 404 && code === 'NO_SUCH_UPLOAD') {
      return rejected(
        'no-such-upload',
        `The multipart upload on ${label} is gone (completed, aborted or expired).`,
      );
    }
    if (response.status === 404 || response.status === 405) {
      // Real Alloy, or a reference remote from before multipart: no such route.
      return new SyncError('unsupported', `${label} does not take uploads in parts.`, {
        status: response.status,
        reason: 'no-multipart',
        detail: message,
      });
    }
    if (
      response.status === 400 &&
      code !== null &&
      /^(INVALID_PART|INVALID_PART_ORDER|ENTITY_TOO_SMALL|BAD_DIGEST)$/.test(code)
    ) {
      return rejected('invalid-part', `${label} refused to complete the upload: ${message}`);
    }
    return undefined;
  }
}

/** The `code` of Alloy's error body, or null. */
function errorCode(text: string): string | null {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/** The multipart answers' schemas, loaded with the first (zod off the start-up path, issue 18). */
function multipartSchemas(): Promise<typeof MultipartSchemas> {
  return import('./alloy-multipart-schemas.js');
}
