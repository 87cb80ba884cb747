import { HttpError } from '../http/http-error.js';
import { escapeXml, writeHeaders } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { isBase64Md5 } from '../request-fields.js';
import { BodyTooLargeError, DigestMismatchError } from '../storage/received-file.js';
import { UploadNotRequestedError, type StorageCore } from '../storage/storage-core.js';
import { MD5_PARAM, type UrlSigner } from '../url-signer.js';
import { headerValue, splitObjectKey } from './presigned-objects.js';

interface AzureBlobDeps {
  core: StorageCore;
  signer: UrlSigner;
  now: () => number;
}

/**
 * The Azure-style upload URLs a Composio ticket names when its `metadata.storage_backend` is
 * `azure_blob_storage`: Put Blob on a SAS-like URL, answered the way Azure Blob Storage answers
 * (201 Created; XML errors with Azure's codes). What Azure requires and the reference requires too:
 * `x-ms-blob-type: BlockBlob` on every PUT (400 MissingRequiredHeader without it, 400
 * InvalidHeaderValue for another type); Content-MD5 optional, checked when sent (400 Md5Mismatch).
 * Ours: the body must also be the one the upload request announced, header or not.
 */
export function azureBlobRoutes({ core, signer, now }: AzureBlobDeps): Route[] {
  return [
    {
      name: 'object.azure-put',
      method: 'PUT',
      pattern: /^\/azure-blob\/(?<objectKey>.+)$/,
      renderError: renderAzureError,
      async handle(context) {
        const { objectKey, ns, key } = splitObjectKey(context.params.objectKey ?? '');
        const requestedMd5 = authorizeSas(context, signer, now, objectKey);
        const blobType = headerValue(context, 'x-ms-blob-type');
        if (blobType === undefined) {
          throw new AzureError(
            400,
            'MissingRequiredHeader',
            "An HTTP header that's mandatory for this request is not specified.",
            'x-ms-blob-type',
          );
        }
        if (blobType !== 'BlockBlob') {
          // Azure knows PageBlob and AppendBlob too; a Composio upload is one block blob.
          throw new AzureError(
            400,
            'InvalidHeaderValue',
            'The value for one of the HTTP headers is not in the correct format.',
            'x-ms-blob-type',
          );
        }
        const sentMd5 = headerValue(context, 'content-md5');
        const requestedBase64 = Buffer.from(requestedMd5, 'hex').toString('base64');
        if (sentMd5 !== undefined && !isBase64Md5(sentMd5)) {
          throw new AzureError(
            400,
            'InvalidMd5',
            'The MD5 value specified in the request is invalid. MD5 value must be 128 bits and base64 encoded.',
          );
        }
        if (sentMd5 !== undefined && sentMd5 !== requestedBase64) throw md5Mismatch();
        const declared = Number(context.req.headers['content-length'] ?? 0);
        if (declared > core.maxObjectBytes) throw tooLarge();
        try {
          const pending = core.pendingUpload(ns, key, requestedMd5);
          const stored = await core.receiveRequestedUpload(pending, context.req);
          writeHeaders(context.res, 201, {
            etag: `"0x${stored.md5.slice(0, 15).toUpperCase()}"`,
            'content-md5': Buffer.from(stored.md5, 'hex').toString('base64'),
            'last-modified': new Date(stored.updatedAt).toUTCString(),
            'x-ms-request-server-encrypted': 'true',
            'content-length': '0',
          });
          context.res.end();
        } catch (error) {
          if (error instanceof DigestMismatchError) throw md5Mismatch();
          if (error instanceof BodyTooLargeError) throw tooLarge();
          if (error instanceof UploadNotRequestedError) {
            throw new AzureError(403, 'AuthenticationFailed', error.message);
          }
          throw error;
        }
      },
    },
  ];
}

class AzureError extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly headerName?: string,
  ) {
    super(status, code, message);
  }
}

// Shared helpers throw generic (or S3) codes; Azure clients expect Azure's.
const AZURE_CODES: Record<string, string> = {
  INJECTED_FAULT: 'InternalError',
  INTERNAL: 'InternalError',
  RATE_LIMITED: 'ServerBusy',
  METHOD_NOT_ALLOWED: 'UnsupportedHttpVerb',
  INVALID_PATH: 'InvalidUri',
  AccessDenied: 'AuthenticationFailed',
  NoSuchKey: 'ResourceNotFound',
};

/** Azure's error document: Code, a Message that ends with the request id and time, and details. */
function renderAzureError(context: RequestContext, error: HttpError): void {
  const code = AZURE_CODES[error.code] ?? error.code;
  const message = `${error.message}\nRequestId:${context.requestId}\nTime:${new Date().toISOString()}`;
  const parts = [`<Code>${escapeXml(code)}</Code>`, `<Message>${escapeXml(message)}</Message>`];
  if (error instanceof AzureError && error.headerName !== undefined) {
    parts.push(`<HeaderName>${escapeXml(error.headerName)}</HeaderName>`);
  }
  const text = `<?xml version="1.0" encoding="utf-8"?>\n<Error>${parts.join('')}</Error>`;
  writeHeaders(context.res, error.status, {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-error-code': code,
    'x-ms-request-id': context.requestId,
    ...error.headers,
  });
  context.res.end(text);
}

/** Checks the SAS-like query and returns the requested MD5 (hex) it carries. */
function authorizeSas(
  context: RequestContext,
  signer: UrlSigner,
  now: () => number,
  objectKey: string,
): string {
  const query = context.url.searchParams;
  const expiry = query.get('se');
  const signature = query.get('sig');
  const md5 = query.get(MD5_PARAM);
  const denied = (detail: string): AzureError =>
    new AzureError(
      403,
      'AuthenticationFailed',
      `Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. ${detail}`,
    );
  if (expiry === null || signature === null || md5 === null || !/^[0-9a-f]{32}$/.test(md5)) {
    throw denied('The SAS is missing se, sig or the requested MD5.');
  }
  const expiresMs = Date.parse(expiry);
  if (!Number.isFinite(expiresMs)) throw denied('se is not a time.');
  const expires = Math.floor(expiresMs / 1000);
  if (Math.floor(now() / 1000) > expires)
    throw denied('Signature not valid in the specified time frame: the SAS expired.');
  const valid = signer.verify(
    {
      method: 'PUT',
      objectKey,
      md5Base64: Buffer.from(md5, 'hex').toString('base64'),
      contentType: '',
      expires,
      kind: 'azure-blob',
    },
    signature,
  );
  if (!valid) throw denied('Signature did not match.');
  return md5;
}

function md5Mismatch(): AzureError {
  return new AzureError(
    400,
    'Md5Mismatch',
    'The MD5 value specified in the request did not match with the MD5 value calculated by the server.',
  );
}

function tooLarge(): AzureError {
  return new AzureError(
    413,
    'RequestBodyTooLarge',
    'The request body is too large and exceeds the maximum permissible limit.',
  );
}
