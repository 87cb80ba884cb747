import { badRequest } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { parseMd5, requireStrings } from '../request-fields.js';
import type { MultipartUpload } from '../storage/multipart-records.js';
import {
  MAX_PART_URLS_PER_REQUEST,
  S3_MAX_PARTS,
  noSuchUpload,
  type MultipartUploads,
} from '../storage/multipart-uploads.js';
import type { UserDirectory } from '../users.js';
import { ALLOY_FILES_PREFIX, alloyAuthenticator, renderAlloyError } from './alloy.js';
import { alloyUploadIntent } from './alloy-ticket.js';

interface AlloyMultipartDeps {
  multipart: MultipartUploads;
  users: UserDirectory;
  expirySeconds: number;
}

const MULTIPART = `${ALLOY_FILES_PREFIX}/multipart`;
const UPLOAD = `${MULTIPART}/(?<uploadId>[^/]+)`;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/**
 * Ours (API.md §5, docs/reference-remote.md §2a): multipart uploads in the Alloy dialect, in S3's
 * terms. Create (or `existing`), part URLs (asking again renews them), list parts, complete, abort.
 */
export function alloyMultipartRoutes({ multipart, users, expirySeconds }: AlloyMultipartDeps): Route[] {
  const authenticate = alloyAuthenticator(users);
  const renderError = renderAlloyError;
  const expiresAt = (upload: MultipartUpload): string =>
    new Date(upload.touchedAt + expirySeconds * 1000).toISOString();

  const openUpload = async (context: RequestContext): Promise<MultipartUpload> => {
    const user = authenticate(context);
    const uploadId = context.params.uploadId ?? '';
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload();
    return multipart.open(user.name, uploadId);
  };

  return [
    {
      name: 'alloy.multipart-create',
      method: 'POST',
      pattern: new RegExp(`${MULTIPART}/create$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const body = await readJsonObject(context.req);
        // Missing fields are refused before a bad size, as the route always has.
        requireStrings(body, ['filename', 'mimeType', 'md5'] as const);
        const size = requireInteger(body, 'size');
        const partSize = body.partSize === undefined ? undefined : requireInteger(body, 'partSize');
        // The fields' values are checked as an upload request's, after size and part size.
        const intent = alloyUploadIntent(user, body);
        const { md5Hex, key } = intent;
        const answer = await multipart.create({
          ...intent,
          size,
          ...(partSize !== undefined ? { partSize } : {}),
        });
        const md5 = Buffer.from(md5Hex, 'hex').toString('base64');
        if (answer.type === 'existing') {
          sendJson(context.res, 200, { type: 'existing', s3Key: key, md5, size, replaces: true });
          return;
        }
        const { upload } = answer;
        sendJson(context.res, 200, {
          type: 'new',
          uploadId: upload.uploadId,
          s3Key: key,
          md5,
          size,
          partSize: upload.partSize,
          partCount: upload.partCount,
          minPartSize: multipart.minPartBytes,
          maxParts: S3_MAX_PARTS,
          replaces: answer.current !== null,
          expiresAt: expiresAt(upload),
        });
      },
    },
    {
      name: 'alloy.multipart-part-urls',
      method: 'POST',
      pattern: new RegExp(`${UPLOAD}/part-urls$`),
      renderError,
      async handle(context) {
        const upload = await openUpload(context);
        const body = await readJsonObject(context.req);
        const requested = requireParts(body, 'md5').map(({ partNumber, value }) => {
          const md5Hex = parseMd5(value, 'hex-or-base64');
          if (md5Hex === null) {
            throw badRequest(
              'INVALID_MD5',
              `The md5 of part ${partNumber} is not an MD5 digest (hex or base64)`,
            );
          }
          return { partNumber, md5Hex };
        });
        const issued = await multipart.partUrls(upload, requested);
        sendJson(context.res, 200, {
          uploadId: upload.uploadId,
          parts: issued.map((part) => ({
            partNumber: part.partNumber,
            url: part.url,
            md5: part.md5Base64,
            expiresAt: new Date(part.expires * 1000).toISOString(),
          })),
        });
      },
    },
    {
      name: 'alloy.multipart-list',
      method: 'GET',
      pattern: new RegExp(`${UPLOAD}$`),
      renderError,
      async handle(context) {
        const upload = await openUpload(context);
        const parts = await multipart.listParts(upload);
        sendJson(context.res, 200, {
          uploadId: upload.uploadId,
          s3Key: upload.key,
          md5: Buffer.from(upload.md5, 'hex').toString('base64'),
          size: upload.size,
          partSize: upload.partSize,
          partCount: upload.partCount,
          createdAt: new Date(upload.createdAt).toISOString(),
          expiresAt: expiresAt(upload),
          parts: parts.map((part) => ({
            partNumber: part.partNumber,
            etag: `"${part.md5}"`,
            size: part.size,
          })),
        });
      },
    },
    {
      name: 'alloy.multipart-complete',
      method: 'POST',
      pattern: new RegExp(`${UPLOAD}/complete$`),
      renderError,
      async handle(context) {
        const upload = await openUpload(context);
        const body = await readJsonObject(context.req);
        const parts = requireParts(body, 'etag').map(({ partNumber, value }) => ({
          partNumber,
          etag: value,
        }));
        const object = await multipart.complete(upload, parts);
        sendJson(context.res, 200, {
          s3Key: object.key,
          filename: object.filename,
          md5: Buffer.from(object.md5, 'hex').toString('base64'),
          size: object.size,
          lastModified: new Date(object.updatedAt).toISOString(),
        });
      },
    },
    {
      name: 'alloy.multipart-abort',
      method: 'POST',
      pattern: new RegExp(`${UPLOAD}/abort$`),
      renderError,
      async handle(context) {
        const upload = await openUpload(context);
        await multipart.abort(upload);
        sendJson(context.res, 200, { success: true, message: `Multipart upload ${upload.uploadId} aborted` });
      },
    },
  ];
}

function requireInteger(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  if (value === undefined || value === null)
    throw badRequest('MISSING_FIELDS', `Missing required field: ${name}`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw badRequest(
      'INVALID_' + name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
      `${name} must be an integer`,
    );
  }
  return value;
}

/** `parts`: a non-empty array of `{partNumber: integer, <field>: string}`. */
function requireParts(
  body: Record<string, unknown>,
  field: 'md5' | 'etag',
): Array<{ partNumber: number; value: string }> {
  const parts = body.parts;
  const shape = `parts must be a non-empty array of {"partNumber": <integer>, "${field}": <string>}`;
  if (!Array.isArray(parts) || parts.length === 0) throw badRequest('INVALID_PARTS', shape);
  if (field === 'md5' && parts.length > MAX_PART_URLS_PER_REQUEST) {
    throw badRequest(
      'TOO_MANY_PART_URLS',
      `Ask for at most ${MAX_PART_URLS_PER_REQUEST} part URLs at a time`,
    );
  }
  return parts.map((part: unknown, index) => {
    const entry = part as Record<string, unknown> | null;
    const partNumber = entry?.partNumber;
    const value = entry?.[field];
    if (
      entry === null ||
      typeof entry !== 'object' ||
      typeof partNumber !== 'number' ||
      !Number.isInteger(partNumber) ||
      typeof value !== 'string'
    ) {
      throw badRequest('INVALID_PARTS', `${shape}; entry ${index} is not`);
    }
    return { partNumber, value };
  });
}
