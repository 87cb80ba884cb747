import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { formatUrl } from '@aws-sdk/core/util';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';

/** Where a bucket's objects live and which region signs for them, as the SDK resolved it. */
interface ObjectAddress {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The path before the object key: `/bucket/` (path style) or `/` (virtual host). */
  pathPrefix: string;
  region: string;
}

// A key whose encoded form is unmistakable at the end of the probe URL's path.
const PROBE_KEY = 'hoist-probe/probe';

/**
 * Presigned PUT URLs for one bucket, the same as the SDK's getSignedUrl makes (the tests compare them
 * byte for byte) at a fraction of the cost. getSignedUrl runs the whole command middleware stack,
 * endpoint rules included, for every URL: about 0.7 ms each, most of the reference server's CPU per
 * upload request against S3. The endpoint depends on the bucket and the client, never on the key, so
 * the stack runs once, for a probe key, to learn where objects live and which region signs; each URL
 * after that is the SDK's own S3 presigner over a request built here, the key encoded as the SDK's
 * serializer encodes a greedy label.
 */
export class S3PutUrlSigner {
  private address: Promise<ObjectAddress> | null = null;
  private presigner: S3RequestPresigner | null = null;

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
    this.presigner ??= new S3RequestPresigner({ ...this.client.config, region: async () => address.region });
    const hostHeader = address.port !== undefined ? `${address.hostname}:${address.port}` : address.hostname;
    const request = new HttpRequest({
      method: 'PUT',
      protocol: address.protocol,
      hostname: address.hostname,
      ...(address.port !== undefined ? { port: address.port } : {}),
      path: address.pathPrefix + objectKey.split('/').map(extendedEncodeURIComponent).join('/'),
      query,
      headers: { host: hostHeader, ...signedHeaders },
    });
    const signed = await this.presigner.presign(request, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(Object.keys(signedHeaders)),
      signingRegion: address.region,
      ...(signingDate !== undefined ? { signingDate } : {}),
    });
    return formatUrl(signed);
  }

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
