import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore, DirectUploads, LandedObject } from './blob-store.js';
import type { ReceivedFile } from './received-file.js';
import { S3MultipartParts } from './s3-multipart.js';
import { S3PutUrlSigner } from './s3-url-signer.js';

export interface S3Options {
  bucket: string;
  /** Custom endpoint (an emulator, MinIO); omit for AWS itself. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Omit to use the SDK's default credential chain (AWS_ACCESS_KEY_ID, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Keys per listing page; S3's own limit (1000) unless a test wants pages small. */
  listPageSize?: number;
}

/**
 * Blobs in an S3 bucket, one object per key (S3 replaces an object atomically, so a failed PUT leaves
 * the previous version intact). Alloy and Composio clients upload straight to S3 through URLs that
 * sign Content-MD5 and Content-Type, so S3 itself rejects a body that is not the one requested.
 */
export class S3BlobStore implements BlobStore, DirectUploads {
  readonly kind = 's3' as const;
  readonly direct: DirectUploads = this;
  private readonly client: S3Client;
  private readonly putUrls: S3PutUrlSigner;
  /** Multipart uploads into the same bucket (s3-multipart.ts). */
  readonly multipart: S3MultipartParts;

  constructor(
    private readonly options: S3Options,
    now: () => number = Date.now,
  ) {
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      // Newer SDKs add CRC32 trailers by default; Content-MD5 is our integrity check, and trailers
      // would also leak into presigned URLs that plain HTTP clients must be able to use.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.putUrls = new S3PutUrlSigner(this.client, options.bucket);
    this.multipart = new S3MultipartParts(this.client, options.bucket, this.putUrls, now);
  }

  async commit(objectKey: string, file: ReceivedFile, contentType: string): Promise<string> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: objectKey,
          Body: createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
          ContentLength: file.size,
          ContentMD5: Buffer.from(file.md5Hex, 'hex').toString('base64'),
          ContentType: contentType,
        }),
      );
    } finally {
      await rm(file.path, { force: true });
    }
    return objectKey;
  }

  async read(blob: string): Promise<Readable> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: blob }));
    return answer.Body as Readable;
  }

  async remove(blob: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: blob }));
  }

  /** Nothing to sweep: S3 has one object per key and overwrites atomically. */
  async sweep(): Promise<number> {
    return 0;
  }

  presignPut(
    objectKey: string,
    md5Base64: string,
    contentType: string,
    expiresInSeconds: number,
  ): Promise<string> {
    return this.putUrls.presignPut(objectKey, md5Base64, contentType, expiresInSeconds);
  }

  presignGet(objectKey: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: objectKey }), {
      expiresIn: expiresInSeconds,
    });
  }

  async head(objectKey: string): Promise<LandedObject | null> {
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: objectKey }),
      );
      return {
        blob: objectKey,
        size: answer.ContentLength ?? 0,
        md5Hex: etagToMd5(answer.ETag),
        lastModified: answer.LastModified?.getTime() ?? Date.now(),
      };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
      throw error;
    }
  }

  /**
   * Every object under `prefix`, in key order. Pages follow on from the last key seen (ListObjects with
   * a Marker), which S3 answers the same as V2's continuation tokens; s3rver, the emulator the tests
   * use, makes V2 tokens with DES, which OpenSSL 3 (Node 17+) refuses, so any truncated V2 page of
   * it is an InternalError.
   */
  async *list(prefix: string): AsyncIterable<LandedObject> {
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({
          Bucket: this.options.bucket,
          Prefix: prefix,
          ...(marker !== undefined ? { Marker: marker } : {}),
          ...(this.options.listPageSize !== undefined ? { MaxKeys: this.options.listPageSize } : {}),
        }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        marker = item.Key;
        yield {
          blob: item.Key,
          size: item.Size ?? 0,
          md5Hex: etagToMd5(item.ETag),
          lastModified: item.LastModified?.getTime() ?? Date.now(),
        };
      }
      if (page.IsTruncated !== true || marker === undefined) return;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** A single-part upload's ETag is the quoted MD5 hex; anything else never matches a requested MD5. */
function etagToMd5(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '').toLowerCase();
}
