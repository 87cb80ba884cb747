import { HttpError } from '../http/http-error.js';
import { sendS3Error, writeHeaders } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { isBase64Md5 } from '../request-fields.js';
import type { FsMultipartParts } from '../storage/fs-multipart.js';
import type { MultipartRecords } from '../storage/multipart-records.js';
import type { MultipartUploads } from '../storage/multipart-uploads.js';
import { BodyTooLargeError, DigestMismatchError } from '../storage/received-file.js';
import { partObjectKey, type UrlSigner } from '../url-signer.js';
import { S3_CODES, authorize, entityTooLarge, headerValue } from './presigned-objects.js';

interface PartRouteDeps {
  multipart: MultipartUploads;
  store: FsMultipartParts;
  records: MultipartRecords;
  signer: UrlSigner;
  now: () => number;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * The fs backend's stand-in for S3's presigned UploadPart: `PUT /multipart-parts/<uploadId>/<part>`,
 * signed with the part's Content-MD5, answered with S3's XML errors. The part is verified against
 * that MD5 while it streams; only a verified part is stored (or replaces the one before it).
 */
export function multipartPartRoutes({ multipart, store, records, signer, now }: PartRouteDeps): Route[] {
  const renderError = (context: RequestContext, error: HttpError): void =>
    sendS3Error(
      context.res,
      error.status,
      S3_CODES[error.code] ?? error.code,
      error.message,
      { requestId: context.requestId },
      error.headers,
    );

  return [
    {
      name: 'object.put-part',
      method: 'PUT',
      pattern: /^\/multipart-parts\/(?<uploadId>[^/]+)\/(?<partNumber>[^/]+)$/,
      renderError,
      async handle(context) {
        const uploadId = context.params.uploadId ?? '';
        const partText = context.params.partNumber ?? '';
        const partNumber = /^[1-9]\d{0,4}$/.test(partText) ? Number(partText) : Number.NaN;
        if (!UPLOAD_ID.test(uploadId) || Number.isNaN(partNumber)) throw noSuchUpload();
        const md5Base64 = headerValue(context, 'content-md5');
        if (md5Base64 === undefined) {
          throw new HttpError(
            400,
            'InvalidDigest',
            'The Content-MD5 header is required; send the part URL’s md5',
          );
        }
        if (!isBase64Md5(md5Base64)) {
          throw new HttpError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
        }
        authorize(context, signer, now, {
          method: 'PUT',
          objectKey: partObjectKey(uploadId, partNumber),
          md5Base64,
          contentType: '',
          kind: 'multipart-part',
        });
        const upload = records.get(uploadId);
        if (upload === null) throw noSuchUpload();
        if (partNumber > upload.partCount) {
          throw new HttpError(
            400,
            'InvalidArgument',
            `Part number must be an integer between 1 and ${upload.partCount}, inclusive`,
          );
        }
        const maxBytes = multipart.expectedPartSize(upload, partNumber);
        const declared = Number(context.req.headers['content-length'] ?? 0);
        if (declared > maxBytes) throw entityTooLarge(maxBytes);
        const md5Hex = Buffer.from(md5Base64, 'base64').toString('hex');
        let stored;
        try {
          const body = context.injected?.kind === 'corrupt' ? corrupted(context.req) : context.req;
          const file = await store.receivePart(body, md5Hex, maxBytes);
          stored = await multipart.storeReceivedPart(store, uploadId, partNumber, file);
        } catch (error) {
          if (error instanceof DigestMismatchError) {
            throw new HttpError(
              400,
              'BadDigest',
              'The Content-MD5 you specified did not match what we received.',
            );
          }
          if (error instanceof BodyTooLargeError) throw entityTooLarge(error.maxBytes);
          if (error instanceof HttpError && error.code === 'NO_SUCH_UPLOAD') throw noSuchUpload();
          throw error;
        }
        writeHeaders(context.res, 200, { etag: `"${stored.md5}"`, 'content-length': '0' });
        context.res.end();
      },
    },
  ];
}

/** The body with its first byte flipped: the fault plan's `corruptRate`, a part damaged on the way. */
async function* corrupted(body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let first = true;
  for await (const chunk of body) {
    if (first && chunk.length > 0) {
      first = false;
      const copy = Buffer.from(chunk);
      copy[0] = (copy[0] as number) ^ 0xff;
      yield copy;
    } else yield chunk;
  }
}

function noSuchUpload(): HttpError {
  return new HttpError(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  );
}
