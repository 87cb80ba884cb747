import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/** What a presigned URL binds: change any of it and the signature no longer matches. */
export interface SignedRequest {
  method: 'PUT' | 'GET';
  objectKey: string;
  /** Base64 MD5 the body must have (PUT); empty for GET. */
  md5Base64: string;
  /** Content-Type the client must send (PUT); empty for GET. */
  contentType: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  /**
   * Absent: an S3-style URL signed with Content-MD5, which the PUT must then send. `md5-in-url`: the
   * MD5 travels in the URL (MD5_PARAM) and the header is optional; `azure-blob`: an Azure-style URL.
   * `multipart-part`: a part of a multipart upload (multipart-part-routes.ts). Part of the signature,
   * so a URL of one kind cannot be turned into another.
   */
  kind?: 'md5-in-url' | 'azure-blob' | 'multipart-part';
}

export const EXPIRES_PARAM = 'X-Hoist-Expires';
export const SIGNATURE_PARAM = 'X-Hoist-Signature';
/** The hex MD5 of the upload request, in URLs whose PUT need not send Content-MD5. */
export const MD5_PARAM = 'X-Hoist-MD5';

/**
 * HMAC-SHA256 signatures for the fs backend's presigned URLs, in the spirit of S3's query signing.
 * The key persists in the data dir so URLs handed out before a restart stay valid for their hour.
 */
export class UrlSigner {
  private constructor(private readonly key: Buffer) {}

  static async load(keyFile: string): Promise<UrlSigner> {
    try {
      const stored = await readFile(keyFile);
      if (stored.length >= 32) return new UrlSigner(stored);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    await writeFile(keyFile, key, { mode: 0o600 });
    return new UrlSigner(key);
  }

  static ephemeral(): UrlSigner {
    return new UrlSigner(randomBytes(32));
  }

  sign(request: SignedRequest): string {
    const canonical = [
      request.method,
      request.objectKey,
      request.md5Base64,
      request.contentType,
      request.expires,
      // Appended only when present, so the S3-style URLs signed before this field existed still verify.
      ...(request.kind !== undefined ? [request.kind] : []),
    ].join('\n');
    return createHmac('sha256', this.key).update(canonical, 'utf8').digest('base64url');
  }

  verify(request: SignedRequest, signature: string): boolean {
    const expected = Buffer.from(this.sign(request), 'utf8');
    const presented = Buffer.from(signature, 'utf8');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}

/**
 * `/objects/<ns>/<key>` with the key percent-encoded as ONE segment: a key's own "/" (Composio keys
 * have them) and a final "." or ".." segment would otherwise be rewritten by URL normalization.
 */
export function objectPath(objectKey: string, root = '/objects'): string {
  const slash = objectKey.indexOf('/');
  return `${root}/${encodeURIComponent(objectKey.slice(0, slash))}/${encodeURIComponent(objectKey.slice(slash + 1))}`;
}

/** Where the fs backend takes the parts of multipart uploads (multipart-part-routes.ts). */
export const MULTIPART_PART_ROOT = '/multipart-parts';

/** What a part URL signs as its object key: one per upload and part number. */
export function partObjectKey(uploadId: string, partNumber: number): string {
  return `multipart/${uploadId}/${partNumber}`;
}

/** Where the Azure-style blob URLs live (azure-blob-objects.ts). */
export const AZURE_BLOB_ROOT = '/azure-blob';
