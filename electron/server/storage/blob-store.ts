import type { Readable } from 'node:stream';
import type { Placement, PlacementResult } from './blob-placement.js';
import type { MultipartBackend } from './multipart-backend.js';
import type { ReceivedFile } from './received-file.js';

/** What an S3 listing or HEAD says about an object that landed through a direct-to-S3 URL. */
export interface LandedObject {
  blob: string;
  size: number;
  md5Hex: string;
  lastModified: number;
}

/**
 * Where the bytes live. The catalog holds the metadata; a blob store only stores, reads and removes
 * bytes under names it chooses. Stores whose clients upload to them directly (S3) also implement
 * `DirectUploads`, and then the server never sees those bytes.
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** Moves a verified temp file into the store and returns the blob name to record. */
  commit(objectKey: string, file: ReceivedFile, contentType: string): Promise<string>;
  read(blob: string): Promise<Readable>;
  remove(blob: string): Promise<void>;
  /** Removes blobs no catalog row references (left by a crash between commit and catalog). */
  sweep(referenced: ReadonlySet<string>): Promise<number>;
  readonly direct?: DirectUploads;
  /** Stores that put many uploads in place at once (fs): what group-commit.ts batches through. */
  readonly batched?: BatchedBlobs;
  /** Stores that take multipart uploads straight from clients (S3); the fs store's are the server's. */
  readonly multipart?: MultipartBackend;
  close(): Promise<void>;
}

export interface DirectUploads {
  presignPut(
    objectKey: string,
    md5Base64: string,
    contentType: string,
    expiresInSeconds: number,
  ): Promise<string>;
  presignGet(objectKey: string, expiresInSeconds: number): Promise<string>;
  head(objectKey: string): Promise<LandedObject | null>;
  list(prefix: string): AsyncIterable<LandedObject>;
}

export interface BatchedBlobs {
  /** The blob an object's version with this MD5 is stored as. */
  blobName(objectKey: string, md5Hex: string): string;
  /** Puts each blob in place (written if in memory, renamed, synced when the store syncs). */
  place(placements: Placement[]): Promise<PlacementResult[]>;
}
