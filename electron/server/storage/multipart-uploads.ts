// Past 300 lines on purpose: the multipart rules (sizes, counts, order, ETags, expiry, locking) are one
// contract shared by both stores; split, each piece would restate the upload's shape and its checks.
import { randomBytes } from 'node:crypto';
import { HttpError, badRequest } from '../http/http-error.js';
import type { StoredObject } from './catalog.js';
import type { ListedPart, MultipartBackend } from './multipart-backend.js';
import type { MultipartRecords, MultipartUpload } from './multipart-records.js';
import type { ReceivedFile } from './received-file.js';
import { objectKeyOf, type StorageCore, type UploadIntent } from './storage-core.js';
import type { FsMultipartParts } from './fs-multipart.js';

/** S3's limits (API.md §4), the defaults of the server's options. */
export const S3_MIN_PART_BYTES = 5 * 1024 ** 2;
export const S3_MAX_PART_BYTES = 5 * 1024 ** 3;
export const S3_MAX_PARTS = 10_000;
export const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 4;
/** An upload nobody asked about for this long is aborted (S3 leaves that to a lifecycle rule). */
export const DEFAULT_MULTIPART_EXPIRY_SECONDS = 24 * 3600;
// Part URLs asked for in one request: enough for a client's whole window of parallel parts.
export const MAX_PART_URLS_PER_REQUEST = 1000;
const MAX_SWEEP_INTERVAL_MS = 60_000;

export interface MultipartOptions {
  /** Smallest part but the last (S3: 5 MiB); tests lower it to keep files small. */
  minPartBytes: number;
  /** Seconds without any request about an upload after which it is aborted. */
  expirySeconds: number;
  urlTtlSeconds: number;
  now: () => number;
}

export type MultipartIntent = UploadIntent & { size: number; partSize?: number };

export type CreateAnswer =
  | { type: 'existing'; current: StoredObject }
  | { type: 'new'; upload: MultipartUpload; current: StoredObject | null };

export interface IssuedPartUrl {
  partNumber: number;
  url: string;
  md5Base64: string;
  expires: number;
}

export const noSuchUpload = (): HttpError =>
  new HttpError(
    404,
    'NO_SUCH_UPLOAD',
    'No such multipart upload: it was completed, aborted or expired, or it is not yours',
  );

/**
 * Multipart uploads with S3's rules on either store: parts of minPartBytes to 5 GiB (the last may be
 * smaller), at most 10,000, completed in order with their ETags, the object appearing only when
 * complete, and uploads nobody touches aborted after `expirySeconds`. The part size is fixed at
 * create, so the server knows every part's size and the client can resume with the same cut.
 */
export class MultipartUploads {
  private readonly records: MultipartRecords;
  private readonly locks = new Map<string, Promise<unknown>>();
  private lastSweep = Number.NEGATIVE_INFINITY;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly core: StorageCore,
    readonly backend: MultipartBackend,
    private readonly options: MultipartOptions,
  ) {
    this.records = core.multipartRecords;
    // Also while idle: an abandoned upload's parts must not wait for the next client to go.
    this.sweepTimer = setInterval(() => void this.sweepIfDue(), this.sweepIntervalMs());
    this.sweepTimer.unref();
  }

  get minPartBytes(): number {
    return this.options.minPartBytes;
  }

  async close(): Promise<void> {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
    await Promise.allSettled([...this.locks.values()]);
  }

  /** Starts an upload, or says `existing` when the key already holds exactly this content. */
  async create(intent: MultipartIntent): Promise<CreateAnswer> {
    await this.sweepIfDue();
    const { size } = intent;
    if (!Number.isSafeInteger(size) || size < 1) {
      throw badRequest('INVALID_SIZE', 'size must be the file size in bytes, an integer of at least 1');
    }
    if (size > S3_MAX_OBJECT_BYTES) {
      throw badRequest(
        'ENTITY_TOO_LARGE',
        `The file is ${size} bytes; an object may be at most ${S3_MAX_OBJECT_BYTES} bytes (5 TiB)`,
      );
    }
    const partSize = intent.partSize ?? this.defaultPartSize(size);
    this.checkPartSize(size, partSize);
    const current = await this.core.find(intent.ns, intent.key);
    if (current !== null && current.md5 === intent.md5Hex && current.size === size) {
      return { type: 'existing', current };
    }
    const now = this.options.now();
    // A client that lost its upload id gets the open upload of the same content back, parts and all.
    const open = this.records.findOpen({ ...intent, md5: intent.md5Hex, partSize });
    if (open !== null && open.contentType === intent.contentType) {
      this.records.touch(open.uploadId, now);
      return { type: 'new', upload: { ...open, touchedAt: now }, current };
    }
    const upload: MultipartUpload = {
      uploadId: randomBytes(16).toString('hex'),
      ns: intent.ns,
      key: intent.key,
      owner: intent.owner,
      filename: intent.filename,
      contentType: intent.contentType,
      md5: intent.md5Hex,
      size,
      partSize,
      partCount: Math.ceil(size / partSize),
      backendId: await this.backend.create(objectKeyOf(intent.ns, intent.key), intent.contentType),
      meta: intent.meta,
      createdAt: now,
      touchedAt: now,
    };
    this.records.add(upload);
    return { type: 'new', upload, current };
  }

  /** The caller's upload, touched (it is in use); 404 when it is gone or someone else's. */
  async open(owner: string, uploadId: string): Promise<MultipartUpload> {
    await this.sweepIfDue();
    const upload = this.records.get(uploadId);
    if (upload === null || upload.owner !== owner) throw noSuchUpload();
    const now = this.options.now();
    this.records.touch(uploadId, now);
    return { ...upload, touchedAt: now };
  }

  /** Fresh presigned URLs for parts, each signed with the part's MD5 (asking again renews them). */
  async partUrls(
    upload: MultipartUpload,
    parts: ReadonlyArray<{ partNumber: number; md5Hex: string }>,
  ): Promise<IssuedPartUrl[]> {
    if (parts.length > MAX_PART_URLS_PER_REQUEST) {
      throw badRequest(
        'TOO_MANY_PART_URLS',
        `Ask for at most ${MAX_PART_URLS_PER_REQUEST} part URLs at a time`,
      );
    }
    const issued: IssuedPartUrl[] = [];
    for (const { partNumber, md5Hex } of parts) {
      this.checkPartNumber(upload, partNumber);
      const md5Base64 = Buffer.from(md5Hex, 'hex').toString('base64');
      const { url, expires } = await this.backend.partUrl(
        upload,
        partNumber,
        md5Base64,
        this.options.urlTtlSeconds,
      );
      issued.push({ partNumber, url, md5Base64, expires });
    }
    return issued;
  }

  listParts(upload: MultipartUpload): Promise<ListedPart[]> {
    return this.backend.listParts(upload);
  }

  /** The size part `partNumber` of `upload` must have. */
  expectedPartSize(upload: MultipartUpload, partNumber: number): number {
    return partNumber < upload.partCount
      ? upload.partSize
      : upload.size - (upload.partCount - 1) * upload.partSize;
  }

  checkPartNumber(upload: MultipartUpload, partNumber: number): void {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > upload.partCount) {
      throw badRequest(
        'INVALID_PART_NUMBER',
        `Part numbers of this upload run from 1 to ${upload.partCount}; got ${String(partNumber)}`,
      );
    }
  }

  /**
   * Stores a part received by the fs store's part route. Under the upload's lock, so a part never
   * lands in an upload that is being completed or aborted.
   */
  async storeReceivedPart(
    store: FsMultipartParts,
    uploadId: string,
    partNumber: number,
    file: ReceivedFile,
  ): Promise<ListedPart> {
    return this.exclusive(uploadId, async () => {
      const upload = this.records.get(uploadId);
      if (upload === null) {
        await this.core.discardFile(file);
        throw noSuchUpload();
      }
      this.records.touch(uploadId, this.options.now());
      return store.storePart(upload, partNumber, file);
    });
  }

  /**
   * Completes an upload: `parts` must name every part, 1 to partCount, in ascending order, each with
   * the ETag the store gave it; then the object appears whole, at once, and the upload is gone.
   */
  async complete(
    upload: MultipartUpload,
    claimed: ReadonlyArray<{ partNumber: number; etag: string }>,
  ): Promise<StoredObject> {
    return this.exclusive(upload.uploadId, async () => {
      if (this.records.get(upload.uploadId) === null) throw noSuchUpload();
      const stored = new Map((await this.backend.listParts(upload)).map((part) => [part.partNumber, part]));
      const parts = this.checkCompletion(upload, claimed, stored);
      const target = {
        ns: upload.ns,
        key: upload.key,
        owner: upload.owner,
        filename: upload.filename,
        contentType: upload.contentType,
        meta: upload.meta,
      };
      // Every part was checked against its MD5; like S3, the whole file's MD5 is the one given at
      // create (reading the whole object again to check it would double the cost of a large upload).
      const assembled = await this.backend.assemble(upload, parts);
      const object = await this.core.recordObject(target, {
        blob: assembled.blob,
        size: upload.size,
        md5Hex: upload.md5,
      });
      this.records.remove(upload.uploadId);
      // The fs store's parts are now in the object: drop their directory.
      if (this.backend.kind === 'fs') await this.backend.abort(upload);
      return object;
    });
  }

  /** Drops the upload and its parts; nothing of it is ever listed. */
  async abort(upload: MultipartUpload): Promise<void> {
    await this.exclusive(upload.uploadId, async () => {
      if (this.records.get(upload.uploadId) === null) throw noSuchUpload();
      await this.backend.abort(upload);
      this.records.remove(upload.uploadId);
    });
  }

  /** Aborts every upload untouched for the expiry time; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = this.options.now() - this.options.expirySeconds * 1000;
    let aborted = 0;
    for (const upload of this.records.untouchedSince(cutoff)) {
      await this.exclusive(upload.uploadId, async () => {
        const current = this.records.get(upload.uploadId);
        // Touched meanwhile (a request waited for this lock): it is in use again.
        if (current === null || current.touchedAt >= cutoff) return;
        await this.backend.abort(current);
        this.records.remove(current.uploadId);
        aborted++;
      });
    }
    return aborted;
  }

  private async sweepIfDue(): Promise<void> {
    const now = this.options.now();
    if (this.sweeping !== null || now - this.lastSweep < this.sweepIntervalMs()) return;
    this.lastSweep = now;
    this.sweeping = this.sweep().catch((error: unknown) => {
      // Left for the next sweep; an abandoned upload must not take a request down.
      console.error('reference server: aborting expired multipart uploads failed:', error);
      return 0;
    });
    try {
      await this.sweeping;
    } finally {
      this.sweeping = null;
    }
  }

  private sweepIntervalMs(): number {
    return Math.max(1, Math.min(MAX_SWEEP_INTERVAL_MS, this.options.expirySeconds * 1000));
  }

  private checkCompletion(
    upload: MultipartUpload,
    claimed: ReadonlyArray<{ partNumber: number; etag: string }>,
    stored: ReadonlyMap<number, ListedPart>,
  ): ListedPart[] {
    const parts: ListedPart[] = [];
    let previous = 0;
    for (const { partNumber, etag } of claimed) {
      this.checkPartNumber(upload, partNumber);
      if (partNumber <= previous) {
        throw badRequest(
          'INVALID_PART_ORDER',
          `Parts must be listed in ascending order, each once: part ${partNumber} follows part ${previous}`,
        );
      }
      previous = partNumber;
      const part = stored.get(partNumber);
      const md5 = etag.replace(/"/g, '').toLowerCase();
      if (part === undefined) throw badRequest('INVALID_PART', `Part ${partNumber} was never stored`);
      if (part.md5 !== md5) {
        throw badRequest(
          'INVALID_PART',
          `Part ${partNumber} is stored with the ETag "${part.md5}", not ${JSON.stringify(etag)}`,
        );
      }
      const expected = this.expectedPartSize(upload, partNumber);
      if (partNumber < upload.partCount && part.size < this.options.minPartBytes) {
        throw badRequest(
          'ENTITY_TOO_SMALL',
          `Part ${partNumber} is ${part.size} bytes; every part but the last must be at least ${this.options.minPartBytes} bytes`,
        );
      }
      if (part.size !== expected) {
        throw badRequest(
          'INVALID_PART',
          `Part ${partNumber} is ${part.size} bytes; this upload's part ${partNumber} is ${expected} bytes`,
        );
      }
      parts.push(part);
    }
    if (parts.length !== upload.partCount) {
      const missing = firstMissing(claimed, upload.partCount);
      throw badRequest(
        'INVALID_PART',
        `The upload has ${upload.partCount} parts and the completion names ${parts.length}; part ${missing} is missing`,
      );
    }
    return parts;
  }

  private defaultPartSize(size: number): number {
    return Math.min(S3_MAX_PART_BYTES, Math.max(this.options.minPartBytes, Math.ceil(size / S3_MAX_PARTS)));
  }

  private checkPartSize(size: number, partSize: number): void {
    if (
      !Number.isSafeInteger(partSize) ||
      partSize < this.options.minPartBytes ||
      partSize > S3_MAX_PART_BYTES
    ) {
      throw badRequest(
        'INVALID_PART_SIZE',
        `partSize must be an integer from ${this.options.minPartBytes} to ${S3_MAX_PART_BYTES} bytes`,
      );
    }
    const partCount = Math.ceil(size / partSize);
    if (partCount > S3_MAX_PARTS) {
      throw badRequest(
        'TOO_MANY_PARTS',
        `A file of ${size} bytes in parts of ${partSize} bytes makes ${partCount} parts; at most ${S3_MAX_PARTS} are allowed, so parts must be at least ${Math.ceil(size / S3_MAX_PARTS)} bytes`,
      );
    }
  }

  /** Runs `work` after any other work on the same upload (complete, abort, storing a part). */
  private async exclusive<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(uploadId) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(uploadId, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(uploadId) === settled) this.locks.delete(uploadId);
    }
  }
}

function firstMissing(claimed: ReadonlyArray<{ partNumber: number }>, partCount: number): number {
  const named = new Set(claimed.map((part) => part.partNumber));
  for (let part = 1; part <= partCount; part++) if (!named.has(part)) return part;
  return partCount;
}
