import type { MultipartUpload } from './multipart-records.js';

/** A part as the store holds it: its ETag is the quoted MD5 hex of its bytes, as S3's. */
export interface ListedPart {
  partNumber: number;
  /** MD5 hex of the part, lowercase, without quotes. */
  md5: string;
  size: number;
}

/** A part URL and when it stops working (Unix seconds). */
export interface PartUrl {
  url: string;
  expires: number;
}

/**
 * What a completed upload became: a blob the store now holds, for the catalog to point at (S3: the
 * object CompleteMultipartUpload made; fs: the directory of parts, adopted as the blob).
 */
export interface Assembled {
  kind: 'landed';
  blob: string;
}

/**
 * The store's side of multipart uploads. The rules (sizes, counts, order, ETags, expiry) are checked
 * above it, in multipart-uploads.ts, the same for both stores.
 */
export interface MultipartBackend {
  readonly kind: 'fs' | 's3';
  /** Starts an upload to `objectKey`; returns the store's id for it. */
  create(objectKey: string, contentType: string): Promise<string>;
  partUrl(
    upload: MultipartUpload,
    partNumber: number,
    md5Base64: string,
    ttlSeconds: number,
  ): Promise<PartUrl>;
  listParts(upload: MultipartUpload): Promise<ListedPart[]>;
  /** Joins `parts` (checked, in order) into the object. */
  assemble(upload: MultipartUpload, parts: readonly ListedPart[]): Promise<Assembled>;
  /** Drops the upload and every part it holds; an upload already gone is not an error. */
  abort(upload: MultipartUpload): Promise<void>;
}
