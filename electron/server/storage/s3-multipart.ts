import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Assembled, ListedPart, MultipartBackend, PartUrl } from './multipart-backend.js';
import type { MultipartUpload } from './multipart-records.js';
import type { S3PutUrlSigner } from './s3-url-signer.js';

/**
 * Multipart uploads straight to the bucket: CreateMultipartUpload, presigned UploadPart URLs with the
 * part's Content-MD5 signed in (so S3 refuses a corrupted part), ListParts as the truth of what is
 * stored, CompleteMultipartUpload (S3 makes the object appear whole, at once) and
 * AbortMultipartUpload. The server never sees the parts' bytes.
 */
export class S3MultipartParts implements MultipartBackend {
  readonly kind = 's3' as const;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly signer: S3PutUrlSigner,
    private readonly now: () => number,
  ) {}

  async create(objectKey: string, contentType: string): Promise<string> {
    const answer = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, ContentType: contentType }),
    );
    if (answer.UploadId === undefined)
      throw new Error('S3 answered CreateMultipartUpload without an UploadId');
    return answer.UploadId;
  }

  async partUrl(
    upload: MultipartUpload,
    partNumber: number,
    md5Base64: string,
    ttlSeconds: number,
  ): Promise<PartUrl> {
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    const url = await this.signer.presignPart(
      objectKeyOfUpload(upload),
      upload.backendId,
      partNumber,
      md5Base64,
      ttlSeconds,
    );
    return { url, expires };
  }

  /** Every stored part, following S3's pages (1,000 parts each). An upload S3 no longer has: none. */
  async listParts(upload: MultipartUpload): Promise<ListedPart[]> {
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: objectKeyOfUpload(upload),
            UploadId: upload.backendId,
            ...(marker !== undefined ? { PartNumberMarker: marker } : {}),
          }),
        );
      } catch (error) {
        if (isNoSuchUpload(error)) return [];
        throw error;
      }
      for (const part of page.Parts ?? []) {
        if (part.PartNumber === undefined) continue;
        parts.push({
          partNumber: part.PartNumber,
          md5: (part.ETag ?? '').replace(/"/g, '').toLowerCase(),
          size: part.Size ?? 0,
        });
      }
      if (page.IsTruncated !== true || page.NextPartNumberMarker === undefined) return parts;
      marker = page.NextPartNumberMarker;
    }
  }

  async assemble(upload: MultipartUpload, parts: readonly ListedPart[]): Promise<Assembled> {
    const objectKey = objectKeyOfUpload(upload);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: objectKey,
        UploadId: upload.backendId,
        MultipartUpload: {
          Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: `"${part.md5}"` })),
        },
      }),
    );
    return { kind: 'landed', blob: objectKey };
  }

  async abort(upload: MultipartUpload): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.bucket,
          Key: objectKeyOfUpload(upload),
          UploadId: upload.backendId,
        }),
      );
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
    }
  }
}

function objectKeyOfUpload(upload: MultipartUpload): string {
  return `${upload.ns}/${upload.key}`;
}

function isNoSuchUpload(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchUpload' || error.$metadata.httpStatusCode === 404)
  );
}
