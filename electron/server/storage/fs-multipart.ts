import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UploadUrls } from '../upload-urls.js';
import type { FsBlobStore } from './fs-blob-store.js';
import type { Assembled, ListedPart, MultipartBackend, PartUrl } from './multipart-backend.js';
import type { MultipartRecords, MultipartUpload } from './multipart-records.js';
import { receiveToTempFile, type ReceivedFile } from './received-file.js';
import { objectKeyOf } from './storage-core.js';

export interface FsMultipartOptions {
  /** `<data>/multipart`: one directory per upload. Not `tmp/`, which a start empties. */
  root: string;
  tmpDir: string;
  fsync: boolean;
  urls: UploadUrls;
  records: MultipartRecords;
  blobs: FsBlobStore;
  now: () => number;
}

/**
 * Multipart uploads on the fs backend. Each part is received like any body (verified against its
 * Content-MD5 into a temp file) and then renamed to `<root>/<uploadId>/<part>.<md5>`, its row in the
 * catalog naming it; a part sent again under another MD5 replaces the row before the old file goes,
 * so the row always names a complete file. Completing renames the directory of parts into the blob
 * store as the object's blob (read back as the parts joined in order) and then commits the catalog
 * row: nothing is listed before that commit, and nothing is copied.
 */
export class FsMultipartParts implements MultipartBackend {
  readonly kind = 'fs' as const;

  constructor(private readonly options: FsMultipartOptions) {}

  async create(): Promise<string> {
    // The directory is made by the first part; the catalog row is the upload.
    return '';
  }

  async partUrl(upload: MultipartUpload, partNumber: number, md5Base64: string): Promise<PartUrl> {
    return this.options.urls.part(upload.uploadId, partNumber, md5Base64);
  }

  async listParts(upload: MultipartUpload): Promise<ListedPart[]> {
    return this.options.records
      .parts(upload.uploadId)
      .map(({ partNumber, md5, size }) => ({ partNumber, md5, size }));
  }

  /** Streams a part's body into a temp file, checked against `md5Hex`; at most `maxBytes` bytes. */
  receivePart(body: AsyncIterable<Buffer>, md5Hex: string, maxBytes: number): Promise<ReceivedFile> {
    return receiveToTempFile(body, {
      tmpDir: this.options.tmpDir,
      maxBytes,
      expectedMd5Hex: md5Hex,
      fsync: this.options.fsync,
    });
  }

  /** Makes a received part the upload's part `partNumber` (the caller holds the upload's lock). */
  async storePart(upload: MultipartUpload, partNumber: number, file: ReceivedFile): Promise<ListedPart> {
    const directory = this.directoryOf(upload);
    await mkdir(directory, { recursive: true });
    const previous = this.options.records
      .parts(upload.uploadId)
      .find((part) => part.partNumber === partNumber);
    await rename(file.path, join(directory, partFileName(partNumber, file.md5Hex)));
    if (this.options.fsync) await syncDirectory(directory);
    this.options.records.putPart(upload.uploadId, {
      partNumber,
      md5: file.md5Hex,
      size: file.size,
      storedAt: this.options.now(),
    });
    if (previous && previous.md5 !== file.md5Hex) {
      await rm(join(directory, partFileName(partNumber, previous.md5)), { force: true });
    }
    return { partNumber, md5: file.md5Hex, size: file.size };
  }

  /**
   * The upload's directory becomes the object's blob as it is (FsBlobStore.adoptParts): no byte is
   * copied or read again. Files that are not the completed parts (a part replaced just before a
   * crash) are dropped first.
   */
  async assemble(upload: MultipartUpload, parts: readonly ListedPart[]): Promise<Assembled> {
    const directory = this.directoryOf(upload);
    const keep = new Set(parts.map((part) => partFileName(part.partNumber, part.md5)));
    for (const name of await readdir(directory)) {
      if (!keep.has(name)) await rm(join(directory, name), { force: true });
    }
    const blob = await this.options.blobs.adoptParts(
      objectKeyOf(upload.ns, upload.key),
      upload.md5,
      directory,
    );
    return { kind: 'landed', blob };
  }

  async abort(upload: MultipartUpload): Promise<void> {
    await rm(this.directoryOf(upload), { recursive: true, force: true });
  }

  private directoryOf(upload: MultipartUpload): string {
    // Upload ids are 32 hex characters made here, never user input (checked by the routes too).
    return join(this.options.root, upload.uploadId);
  }
}

function partFileName(partNumber: number, md5Hex: string): string {
  return `${partNumber}.${md5Hex}`;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
