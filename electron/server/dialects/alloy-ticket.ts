import { sanitizeRemoteFilename } from '../../../shared/remote-filename.js';
import { badRequest } from '../http/http-error.js';
import { isMimeType, parseMd5, requireStrings } from '../request-fields.js';
import type { StorageCore, UploadIntent } from '../storage/storage-core.js';
import type { User } from '../users.js';

/** What `upload/request` answers inside `presignedUrl` (API.md §1). */
export interface AlloyTicket {
  md5: string;
  presignedUrl: string;
  type: 'new' | 'existing';
  s3Key: string;
  replaces: boolean;
}

/**
 * An Alloy upload request's fields checked (a 400 HttpError names what is wrong) and turned into what
 * the storage records: the same for a ticket, a batch's ticket and a multipart upload's creation.
 */
export function alloyUploadIntent(user: User, body: Record<string, unknown>): UploadIntent {
  const fields = requireStrings(body, ['filename', 'mimeType', 'md5'] as const);
  const md5Hex = parseMd5(fields.md5, 'hex-or-base64');
  if (md5Hex === null) {
    throw badRequest('INVALID_MD5', 'md5 must be an MD5 digest: 32 hex characters or 24 base64 characters');
  }
  if (!isMimeType(fields.mimeType)) {
    throw badRequest('INVALID_MIME_TYPE', 'mimeType must look like type/subtype, e.g. application/pdf');
  }
  const filename = sanitizeRemoteFilename(fields.filename);
  if (filename === '') throw badRequest('INVALID_FILENAME', 'filename has no usable characters');
  return {
    ns: 'alloy',
    key: `${user.id}_${filename}`,
    owner: user.name,
    filename,
    md5Hex,
    contentType: fields.mimeType,
    meta: {},
  };
}

/**
 * One upload ticket: the request's fields checked, the upload recorded as pending, a presigned PUT
 * URL signed with the MD5. Shared by the single route and the batch (alloy-ticket-batch.ts), so both
 * answer a file the same way.
 */
export async function alloyTicket(
  core: StorageCore,
  user: User,
  body: Record<string, unknown>,
): Promise<AlloyTicket> {
  const intent = alloyUploadIntent(user, body);
  const { current, putUrl } = await core.prepareUpload(intent);
  return {
    md5: Buffer.from(intent.md5Hex, 'hex').toString('base64'),
    presignedUrl: putUrl,
    type: current?.md5 === intent.md5Hex ? 'existing' : 'new',
    s3Key: intent.key,
    // Ours (docs/reference-remote.md §2): whether an object already sits under s3Key, so a client
    // can refuse to replace what it did not put there. Real Alloy does not send it.
    replaces: current !== null && current !== undefined,
  };
}
