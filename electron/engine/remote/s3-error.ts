import { SyncError, type SyncErrorReason } from '../sync-error.js';
import type { HttpResponse } from './http-client.js';

/** The `<Code>` and `<Message>` of an S3 XML error document; null fields when absent. */
export function parseS3Error(text: string): { code: string | null; message: string | null } {
  const field = (name: string): string | null => {
    const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text);
    return match?.[1] !== undefined ? unescapeXml(match[1]) : null;
  };
  return { code: field('Code'), message: field('Message') };
}

/**
 * What a failed PUT to a presigned URL means (API.md §4), for the cases the S3 error document
 * decides; anything else (5xx, 429, network) returns undefined and gets the HTTP client's defaults.
 *
 * - 403 AccessDenied "Request has expired" (or an upload the store no longer expects): reason
 *   `expired-url`, retryable: the caller asks for a new ticket.
 * - 400 BadDigest: reason `digest-mismatch`: the bytes sent are not the ones hashed; the file changed.
 * - 403 SignatureDoesNotMatch, 400 InvalidDigest, 400 EntityTooLarge, other AccessDenied: permanent.
 * - 400 RequestTimeout: the store gave up waiting for the body; retryable.
 *
 * Azure Blob Storage's codes (a Composio ticket may name it) map onto the same reasons: 403
 * AuthenticationFailed (expired: `expired-url`, else `signature-mismatch`), 400 Md5Mismatch, 400
 * InvalidMd5, 413 RequestBodyTooLarge, and 400 MissingRequiredHeader / InvalidHeaderValue
 * (`missing-header`: permanent, Hoist did not send what the store requires).
 */
export function classifyPresignedPutError(
  response: HttpResponse,
  label: string,
  fileSize: number,
): SyncError | undefined {
  const { code, message } = parseS3Error(response.text);
  const status = response.status;
  const detail = `PUT presigned URL: ${status} ${code ?? 'no code'}${message ? `: ${message}` : ''}`;
  const rejected = (text: string, reason: SyncErrorReason, retryable = false): SyncError =>
    new SyncError('remote-rejected', text, { status, reason, retryable, detail });
  switch (code) {
    case 'AuthenticationFailed':
      // Azure puts why in the Message ("Signature not valid in the specified time frame").
      if (/expired|time frame|too old|no upload was requested/i.test(message ?? '')) {
        return rejected(
          `The upload link from ${label} expired before the upload finished; Hoist asks for a new one.`,
          'expired-url',
          true,
        );
      }
      return rejected(
        `${label}'s storage rejected the upload link's signature${message ? ` (${firstLine(message)})` : ''}.`,
        'signature-mismatch',
      );
    case 'Md5Mismatch':
      return rejected(
        'The file changed while it was being uploaded (its MD5 no longer matches); it will be hashed again.',
        'digest-mismatch',
      );
    case 'InvalidMd5':
      return rejected(`${label}'s storage rejected the file's MD5 digest as invalid.`, 'invalid-digest');
    case 'RequestBodyTooLarge':
      return rejected(`The file is too large for ${label} (${fileSize} bytes).`, 'too-large');
    case 'MissingRequiredHeader':
    case 'InvalidHeaderValue': {
      const header = /<HeaderName>([^<]*)<\/HeaderName>/.exec(response.text)?.[1] ?? 'a header';
      return rejected(
        `${label}'s storage refused the upload: it requires ${header}, which Hoist did not send as it expects.`,
        'missing-header',
      );
    }
    case 'AccessDenied':
      if (/expired|too old|no upload was requested/i.test(message ?? '')) {
        return rejected(
          `The upload link from ${label} expired before the upload finished; Hoist asks for a new one.`,
          'expired-url',
          true,
        );
      }
      return rejected(
        `${label}'s storage refused the upload (access denied${message ? `: ${message}` : ''}).`,
        'access-denied',
      );
    case 'BadDigest':
      return rejected(
        'The file changed while it was being uploaded (its MD5 no longer matches); it will be hashed again.',
        'digest-mismatch',
      );
    case 'SignatureDoesNotMatch':
      return rejected(
        `${label}'s storage rejected the upload link's signature. The link was altered or the request did not match it (Content-Type, Content-MD5).`,
        'signature-mismatch',
      );
    case 'InvalidDigest':
      return rejected(`${label}'s storage rejected the file's MD5 digest as invalid.`, 'invalid-digest');
    case 'EntityTooLarge':
      return rejected(
        `The file is too large for ${label} (${fileSize} bytes)${message ? `: ${message}` : ''}.`,
        'too-large',
      );
    case 'NoSuchUpload':
      return rejected(
        `The multipart upload ${label} was taking is gone (completed, aborted or expired); it starts again.`,
        'no-such-upload',
      );
    case 'RequestTimeout':
      return new SyncError('network', `${label}'s storage gave up waiting for the file's bytes.`, {
        status,
        reason: 'request-timeout',
        retryable: true,
        detail,
      });
    default:
      return undefined;
  }
}

/** Azure ends its Message with the request id and time on lines of their own. */
function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name] ?? _);
}
