import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/http-error.js';
import { isBase64Md5 } from '../request-fields.js';
import { sendS3Error, writeHeaders } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import type { Namespace } from '../storage/catalog.js';
import { BodyTooLargeError, DigestMismatchError } from '../storage/received-file.js';
import { UploadNotRequestedError, type StorageCore } from '../storage/storage-core.js';
import {
  EXPIRES_PARAM,
  MD5_PARAM,
  SIGNATURE_PARAM,
  type SignedRequest,
  type UrlSigner,
} from '../url-signer.js';

interface PresignedDeps {
  core: StorageCore;
  signer: UrlSigner;
  now: () => number;
}

const PRESIGNABLE: readonly Namespace[] = ['alloy', 'composio'];

/**
 * The fs backend's stand-in for S3: PUT and GET on presigned URLs, answering with S3's XML errors
 * (API.md §4). The body's MD5 is checked while it streams to a temp file; only a verified body
 * replaces the stored object.
 */
export function presignedObjectRoutes({ core, signer, now }: PresignedDeps): Route[] {
  const renderError = (context: RequestContext, error: HttpError): void => {
    const code = S3_CODES[error.code] ?? error.code;
    sendS3Error(
      context.res,
      error.status,
      code,
      error.message,
      { requestId: context.requestId },
      error.headers,
    );
  };

  return [
    {
      name: 'object.put',
      method: 'PUT',
      pattern: /^\/objects\/(?<objectKey>.+)$/,
      renderError,
      async handle(context) {
        const { objectKey, ns, key } = splitObjectKey(context.params.objectKey ?? '');
        const sentMd5 = headerValue(context, 'content-md5');
        if (sentMd5 !== undefined && !isBase64Md5(sentMd5))
          throw new HttpError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
        // A URL that carries the requested MD5 was not signed with Content-MD5: like S3 for such a URL,
        // the header is checked when sent and not required. Otherwise the signature covers the header.
        const md5InUrl = requestedMd5InUrl(context);
        const md5Base64 = md5InUrl !== null ? Buffer.from(md5InUrl, 'hex').toString('base64') : sentMd5;
        if (md5Base64 === undefined) {
          throw new HttpError(
            400,
            'InvalidDigest',
            'The Content-MD5 header is required; send the base64 MD5 from the upload request',
          );
        }
        const contentType = headerValue(context, 'content-type') ?? '';
        authorize(context, signer, now, {
          method: 'PUT',
          objectKey,
          md5Base64,
          contentType,
          ...(md5InUrl !== null ? { kind: 'md5-in-url' as const } : {}),
        });
        if (sentMd5 !== undefined && sentMd5 !== md5Base64) {
          // Ours: S3 would store a body matching the header; this store only ever stores the bytes the
          // upload request announced, so a body can never be listed under an MD5 it does not have.
          throw new HttpError(400, 'BadDigest', NOT_THE_REQUESTED_MD5);
        }
        const declared = Number(context.req.headers['content-length'] ?? 0);
        if (declared > core.maxObjectBytes) throw entityTooLarge(core.maxObjectBytes);
        const md5Hex = Buffer.from(md5Base64, 'base64').toString('hex');
        try {
          const pending = core.pendingUpload(ns, key, md5Hex);
          const stored = await core.receiveRequestedUpload(pending, context.req);
          writeHeaders(context.res, 200, { etag: `"${stored.md5}"`, 'content-length': '0' });
          context.res.end();
        } catch (error) {
          if (error instanceof DigestMismatchError) {
            throw new HttpError(
              400,
              'BadDigest',
              sentMd5 !== undefined
                ? 'The Content-MD5 you specified did not match what we received.'
                : NOT_THE_REQUESTED_MD5,
            );
          }
          if (error instanceof BodyTooLargeError) throw entityTooLarge(error.maxBytes);
          if (error instanceof UploadNotRequestedError)
            throw new HttpError(403, 'AccessDenied', error.message);
          throw error;
        }
      },
    },
    {
      name: 'object.get',
      method: 'GET',
      pattern: /^\/objects\/(?<objectKey>.+)$/,
      renderError,
      async handle(context) {
        const { objectKey, ns, key } = splitObjectKey(context.params.objectKey ?? '');
        authorize(context, signer, now, { method: 'GET', objectKey, md5Base64: '', contentType: '' });
        const object = await core.find(ns, key);
        if (!object) throw new HttpError(404, 'NoSuchKey', 'The specified key does not exist.');
        const body = await core.open(object);
        writeHeaders(context.res, 200, {
          'content-type': object.contentType,
          'content-length': String(object.size),
          etag: `"${object.md5}"`,
          'last-modified': new Date(object.updatedAt).toUTCString(),
        });
        await pipeline(body, context.res);
      },
    },
  ];
}

const NOT_THE_REQUESTED_MD5 =
  'The body is not the file the upload request announced (its MD5 differs); nothing was stored.';

/** The hex MD5 an S3-style URL carries when it was not signed with Content-MD5; null otherwise. */
function requestedMd5InUrl(context: RequestContext): string | null {
  const md5 = context.url.searchParams.get(MD5_PARAM);
  if (md5 === null) return null;
  // Not an MD5: the URL was not made here (its signature cannot match either).
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new HttpError(403, 'SignatureDoesNotMatch', 'Malformed URL');
  return md5;
}

// Shared helpers throw generic codes; S3 clients expect S3's.
export const S3_CODES: Record<string, string> = {
  INJECTED_FAULT: 'InternalError',
  RATE_LIMITED: 'SlowDown',
  INTERNAL: 'InternalError',
  METHOD_NOT_ALLOWED: 'MethodNotAllowed',
  INVALID_PATH: 'InvalidURI',
};

export function entityTooLarge(maxBytes: number): HttpError {
  return new HttpError(
    400,
    'EntityTooLarge',
    `Your proposed upload exceeds the maximum allowed size of ${maxBytes} bytes.`,
  );
}

export function splitObjectKey(objectKey: string): { objectKey: string; ns: Namespace; key: string } {
  const slash = objectKey.indexOf('/');
  const ns = objectKey.slice(0, slash) as Namespace;
  if (slash <= 0 || !PRESIGNABLE.includes(ns)) {
    throw new HttpError(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  return { objectKey, ns, key: objectKey.slice(slash + 1) };
}

export function headerValue(context: RequestContext, name: string): string | undefined {
  const value = context.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks a presigned URL's expiry and signature (S3's order: missing, malformed, expired, wrong). */
export function authorize(
  context: RequestContext,
  signer: UrlSigner,
  now: () => number,
  request: Omit<SignedRequest, 'expires'>,
): void {
  const expiresText = context.url.searchParams.get(EXPIRES_PARAM);
  const signature = context.url.searchParams.get(SIGNATURE_PARAM);
  if (expiresText === null || signature === null) {
    throw new HttpError(
      403,
      'AccessDenied',
      'Query-string authentication requires the Signature and Expires parameters',
    );
  }
  const expires = Number(expiresText);
  if (!Number.isInteger(expires))
    throw new HttpError(403, 'AccessDenied', 'Invalid date (should be seconds since epoch)');
  if (Math.floor(now() / 1000) > expires) throw new HttpError(403, 'AccessDenied', 'Request has expired');
  if (!signer.verify({ ...request, expires }, signature)) {
    throw new HttpError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check the URL, Content-MD5 and Content-Type.',
    );
  }
}
