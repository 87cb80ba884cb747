import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, createHmac } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';

/** Where a bucket's objects live and which region signs for them, as the SDK resolved it. */
interface ObjectAddress {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path before the object key: `/bucket/` (path style) or `/` (virtual host). */
  pathPrefix: string;
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** A query string as the SDK writes and signs it: keys sorted, keys and values RFC 3986-encoded. */
function queryString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .sort()
    .map((name) => `${escapeUri(name)}=${escapeUri(fields[name] ?? '')}`)
    .join('&');
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

// A key whose encoded form is unmistakable at the end of the probe URL's path.
const PROBE_KEY = 'hoist-probe/probe';

/**
 * Presigned PUT URLs for one bucket, the same as the SDK's getSignedUrl makes (the tests compare them
 * byte for byte) at a fraction of the cost. getSignedUrl runs the whole command middleware stack,
 * endpoint rules included, for every URL: about 0.7 ms each, most of the reference server's CPU per
 * upload request against S3. The endpoint depends on the bucket and the client, never on the key, so
 * the stack runs once, for a probe key, to learn where objects live and which region signs; each URL
 * after that is signed here (SigV4 query signing, the key encoded as the SDK's serializer encodes a
 * greedy label), with the signing key derived once a day instead of per URL: the SDK's presigner
 * over a prebuilt request still cost ~100 µs a URL (an HMAC per call just to look its key cache up,
 * request clones, hash objects), 15% of an upload request's CPU (issue 18).
 */
export class S3PutUrlSigner {
  private address: Promise<ObjectAddress> | null = null;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(
    objectKey: string,
    md5Base64: string,
    contentType: string,
    expiresInSeconds: number,
    signingDate?: Date,
  ): Promise<string> {
    return this.presign(
      objectKey,
      { 'content-md5': md5Base64, 'content-type': contentType },
      { 'x-id': 'PutObject' },
      expiresInSeconds,
      signingDate,
    );
  }

  /** A presigned UploadPart: one part of a multipart upload, its Content-MD5 signed in. */
  async presignPart(
    objectKey: string,
    uploadId: string,
    partNumber: number,
    md5Base64: string,
    expiresInSeconds: number,
    signingDate?: Date,
  ): Promise<string> {
    return this.presign(
      objectKey,
      { 'content-md5': md5Base64 },
      { 'x-id': 'UploadPart', partNumber: String(partNumber), uploadId },
      expiresInSeconds,
      signingDate,
    );
  }

  private async presign(
    objectKey: string,
    signedHeaders: Record<string, string>,
    query: Record<string, string>,
    expiresInSeconds: number,
    signingDate: Date | undefined,
  ): Promise<string> {
    const address = await this.resolveAddress();
    const credentials = await this.client.config.credentials();
    const hostHeader = address.port !== undefined ? `${address.hostname}:${address.port}` : address.hostname;
    const path = address.pathPrefix + objectKey.split('/').map(extendedEncodeURIComponent).join('/');
    const longDate = (signingDate ?? new Date())
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
    const shortDate = longDate.slice(0, 8);
    const scope = `${shortDate}/${address.region}/s3/aws4_request`;
    // What the SDK's S3 presigner puts in the query: x-amz-* headers hoisted, then the signing fields.
    const fields: Record<string, string> = {
      ...query,
      'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD,
      ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
      'X-Amz-Algorithm': ALGORITHM,
      'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
      'X-Amz-Date': longDate,
      'X-Amz-Expires': expiresInSeconds.toString(10),
    };
    const headers: Record<string, string> = { ...signedHeaders, host: hostHeader };
    const headerNames = Object.keys(headers).sort();
    fields['X-Amz-SignedHeaders'] = headerNames.join(';');
    const canonicalQuery = queryString(fields);
    const canonicalRequest = [
      'PUT',
      path,
      canonicalQuery,
      ...headerNames.map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}`),
      '',
      headerNames.join(';'),
      UNSIGNED_PAYLOAD,
    ].join('\n');
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const key = this.signingKey(credentials.secretAccessKey, shortDate, address.region);
    fields['X-Amz-Signature'] = createHmac('sha256', key).update(stringToSign).digest('hex');
    const port = address.port !== undefined ? `:${address.port}` : '';
    return `${address.protocol}//${address.hostname}${port}${path}?${queryString(fields)}`;
  }

  /** SigV4's signing key changes only with the day, the region and the secret: derived once each. */
  private signingKey(secret: string, shortDate: string, region: string): Buffer {
    const cacheKey = `${shortDate}/${region}`;
    if (this.cachedKey?.secret === secret && this.cachedKey.cacheKey === cacheKey) return this.cachedKey.key;
    let key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest();
    for (const part of [region, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    this.cachedKey = { secret, cacheKey, key };
    return key;
  }

  private cachedKey: { secret: string; cacheKey: string; key: Buffer } | null = null;

  private resolveAddress(): Promise<ObjectAddress> {
    if (this.address === null) {
      this.address = this.probe();
      // A probe that failed (credentials not yet available) is tried again next time.
      this.address.catch(() => {
        this.address = null;
      });
    }
    return this.address;
  }

  private async probe(): Promise<ObjectAddress> {
    const url = new URL(
      await getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: PROBE_KEY }), {
        expiresIn: 60,
      }),
    );
    if (!url.pathname.endsWith(`/${PROBE_KEY}`)) {
      throw new Error(`Unexpected presigned URL shape for bucket ${this.bucket}: ${url.pathname}`);
    }
    // X-Amz-Credential is <key id>/<date>/<region>/<service>/aws4_request.
    const region = url.searchParams.get('X-Amz-Credential')?.split('/').at(-3);
    if (region === undefined || region === '') {
      throw new Error('The presigned URL names no signing region');
    }
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      pathPrefix: url.pathname.slice(0, url.pathname.length - PROBE_KEY.length),
      region,
    };
  }
}
