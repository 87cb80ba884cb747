// Past 300 lines on purpose: the one storage core of three dialects; prepare, receive, commit, read,
// delete and sweep share its catalog and blob-store rules, and split they would each restate them.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { UrlSigner } from '../url-signer.js';
import { UploadUrls } from '../upload-urls.js';
import type { BlobStore, LandedObject } from './blob-store.js';
import { Catalog, type ListQuery, type Namespace, type PendingUpload, type StoredObject } from './catalog.js';
import { MultipartRecords } from './multipart-records.js';
import { GroupCommit, type GroupCommitHooks } from './group-commit.js';
import { receiveBody, receiveToTempFile, type ReceivedFile } from './received-file.js';

export interface StorageCoreOptions {
  dataDir: string;
  blobs: BlobStore;
  signer: UrlSigner;
  /** Base of the fs backend's presigned URLs, known only once the server listens. */
  publicUrl: () => string;
  maxObjectBytes: number;
  urlTtlSeconds: number;
  fsync: boolean;
  now?: () => number;
  /**
   * When to look for blobs a crash left behind, after opening. Not at once: the sweep reads every
   * blob name (a quarter of a second at 100,000 files), which a short `hoist sync --once` with the
   * embedded remote would pay every time, and it only ever removes orphans minutes old anyway.
   */
  sweepDelayMs?: number;
  /** Test seams of the fs backend's group commit (group-commit.ts). */
  groupCommitHooks?: GroupCommitHooks;
}

const DEFAULT_SWEEP_DELAY_MS = 60_000;

/** What a client announced it will upload. */
export interface UploadIntent {
  ns: Namespace;
  key: string;
  owner: string;
  filename: string;
  md5Hex: string;
  contentType: string;
  meta: Record<string, unknown>;
}

/** Where a received file goes and the metadata it is stored with. */
export type CommitTarget = Omit<UploadIntent, 'md5Hex'>;

/**
 * The kind of upload URL a dialect hands out. `content-md5-signed`: S3-style, Content-MD5 signed into
 * it, so the PUT must send it (Alloy). `content-md5-optional`: S3-style, not signed with Content-MD5,
 * so the header is checked when sent and not required (Composio, whose official SDK sends none); the
 * S3 backend still signs it (its bucket could not otherwise refuse a wrong body). `azure-blob`: an
 * Azure-style blob URL, always served by this server (azure-blob-objects.ts).
 */
export type PutUrlKind = 'content-md5-signed' | 'content-md5-optional' | 'azure-blob';

export interface PreparedUpload {
  /** The object currently stored under the key, if any (the dialect decides new/existing/update). */
  current: StoredObject | null;
  putUrl: string;
}

export class UploadNotRequestedError extends Error {
  constructor() {
    super('No upload was requested for this key and MD5, or the request is too old');
    this.name = 'UploadNotRequestedError';
  }
}

// Pending uploads outlive their URLs by this much, so a PUT that starts just before expiry still commits.
const PENDING_GRACE_SECONDS = 3600;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * The one storage core under the three dialects: metadata in the catalog, bytes in a blob store.
 * Every write is verified into a temp file first and committed only when complete, so a rejected or
 * broken upload never replaces what was there.
 */
export class StorageCore {
  private lastPrune = 0;
  private readonly now: () => number;
  private readonly urls: UploadUrls;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  /** The fs backend's presigned uploads are put in place and recorded in batches. */
  private readonly groupCommit: GroupCommit | null;

  private constructor(
    private readonly options: StorageCoreOptions,
    private readonly catalog: Catalog,
    private readonly tmpDir: string,
  ) {
    this.now = options.now ?? Date.now;
    this.urls = new UploadUrls(options.signer, options.publicUrl, this.now, options.urlTtlSeconds);
    const batched = options.blobs.batched;
    this.groupCommit =
      batched !== undefined
        ? new GroupCommit(
            {
              blobName: (k, m) => batched.blobName(k, m),
              place: (p) => batched.place(p),
              remove: (b) => options.blobs.remove(b),
            },
            catalog,
            tmpDir,
            options.fsync,
            this.now,
            options.groupCommitHooks,
          )
        : null;
  }

  static async open(options: StorageCoreOptions): Promise<StorageCore> {
    const tmpDir = join(options.dataDir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    await removeAbandonedUploads(tmpDir);
    // Durable commits matter where a commit is followed by deleting the blob it replaced (fs backend).
    const durable = options.fsync && options.blobs.kind === 'fs';
    const catalog = new Catalog(join(options.dataDir, 'catalog.db'), { durable });
    const core = new StorageCore(options, catalog, tmpDir);
    core.scheduleSweep(options.sweepDelayMs ?? DEFAULT_SWEEP_DELAY_MS);
    return core;
  }

  /** Resolves with the number of orphan blobs removed once the background sweep has run. */
  swept(): Promise<number> {
    return this.sweeping ?? Promise.resolve(0);
  }

  private scheduleSweep(delayMs: number): void {
    this.sweeping = new Promise<number>((resolve) => {
      this.sweepTimer = setTimeout(() => {
        this.sweepTimer = null;
        // A failed sweep leaves orphans for the next start; it must not take the server down.
        this.options.blobs.sweep(this.catalog.referencedBlobs()).then(resolve, (error: unknown) => {
          console.error('reference server: sweeping orphan blobs failed:', error);
          resolve(0);
        });
      }, delayMs);
      this.sweepTimer.unref();
      this.cancelSweep = () => resolve(0);
    });
  }

  private cancelSweep: () => void = () => undefined;

  /** The catalog's multipart tables (multipart-uploads.ts keeps the rules). */
  get multipartRecords(): MultipartRecords {
    this.records ??= new MultipartRecords(this.catalog.connection);
    return this.records;
  }

  private records: MultipartRecords | null = null;

  /** The temp directory bodies are received into (same filesystem as the blobs). */
  get tempDirectory(): string {
    return this.tmpDir;
  }

  get maxObjectBytes(): number {
    return this.options.maxObjectBytes;
  }

  get backend(): BlobStore['kind'] {
    return this.options.blobs.kind;
  }

  async close(): Promise<void> {
    if (this.sweepTimer !== null) {
      clearTimeout(this.sweepTimer);
      this.sweepTimer = null;
      this.cancelSweep();
    }
    // A sweep under way reads the catalog: let it finish first.
    await this.sweeping;
    this.catalog.close();
    await this.options.blobs.close();
  }

  async find(ns: Namespace, key: string): Promise<StoredObject | null> {
    await this.reconcileKey(ns, key);
    return this.catalog.get(ns, key);
  }

  async list(query: ListQuery): Promise<{ items: StoredObject[]; total: number }> {
    if (query.owner !== undefined) await this.reconcileOwner(query.ns, query.owner, query.keyPrefix ?? '');
    return this.catalog.list(query);
  }

  /**
   * The version of an owner's listing (Catalog.listingVersion), after taking in uploads that landed on
   * S3 unseen. Read it before walking: a walk is then at least as new as the version it is sent with.
   */
  async listingVersion(ns: Namespace, owner: string, keyPrefix: string): Promise<string> {
    await this.reconcileOwner(ns, owner, keyPrefix);
    return this.catalog.listingVersion(ns, owner);
  }

  /**
   * Walks an owner's objects in key order, a page at a time (see Catalog.pageAfter). `reconciled`: the
   * caller has just called listingVersion, so landed uploads are already in.
   */
  async *walk(
    ns: Namespace,
    owner: string,
    keyPrefix: string,
    options: { pageSize?: number; reconciled?: boolean } = {},
  ): AsyncGenerator<StoredObject[]> {
    const pageSize = options.pageSize ?? 2000;
    if (options.reconciled !== true) await this.reconcileOwner(ns, owner, keyPrefix);
    let after = '';
    for (;;) {
      const page = this.catalog.pageAfter(ns, owner, keyPrefix, after, pageSize);
      if (page.length === 0) return;
      yield page;
      after = (page[page.length - 1] as StoredObject).key;
    }
  }

  /** Records the intent and returns the URL to PUT the bytes to, plus what the key holds now. */
  async prepareUpload(
    intent: UploadIntent,
    urlKind: PutUrlKind = 'content-md5-signed',
  ): Promise<PreparedUpload> {
    this.prunePending();
    const current = await this.find(intent.ns, intent.key);
    this.catalog.addPending({ ...intent, md5: intent.md5Hex, requestedAt: this.now() });
    const md5Base64 = Buffer.from(intent.md5Hex, 'hex').toString('base64');
    const objectKey = objectKeyOf(intent.ns, intent.key);
    const ttl = this.options.urlTtlSeconds;
    const direct = this.options.blobs.direct;
    let putUrl: string;
    if (urlKind === 'azure-blob') putUrl = this.urls.azureBlob(objectKey, intent.md5Hex);
    else if (direct) putUrl = await direct.presignPut(objectKey, md5Base64, intent.contentType, ttl);
    else {
      const md5InUrl = urlKind === 'content-md5-optional' ? intent.md5Hex : undefined;
      putUrl = this.urls.object('PUT', objectKey, md5Base64, intent.contentType, md5InUrl);
    }
    return { current, putUrl };
  }

  /** A URL to download an object's bytes until the URL TTL passes. */
  async downloadUrl(object: StoredObject): Promise<string> {
    const direct = this.options.blobs.direct;
    if (direct) return direct.presignGet(object.blob, this.options.urlTtlSeconds);
    return this.urls.object('GET', objectKeyOf(object.ns, object.key), '', '');
  }

  /** The pending upload a presigned PUT is for; throws when there is none. */
  pendingUpload(ns: Namespace, key: string, md5Hex: string): PendingUpload {
    const pending = this.catalog.pendingFor(ns, key).find((upload) => upload.md5 === md5Hex);
    if (!pending) throw new UploadNotRequestedError();
    return pending;
  }

  /**
   * Receives the body of a presigned PUT (fs backend): verified against the requested MD5 while it
   * streams, then committed with the metadata recorded when the upload was requested.
   */
  async receiveRequestedUpload(pending: PendingUpload, body: AsyncIterable<Buffer>): Promise<StoredObject> {
    if (this.groupCommit !== null) {
      const received = await receiveBody(body, {
        tmpDir: this.tmpDir,
        maxBytes: this.options.maxObjectBytes,
        fsync: this.options.fsync,
        expectedMd5Hex: pending.md5,
      });
      const { ns, key, owner, filename, contentType, meta } = pending;
      try {
        return await this.groupCommit.commit(
          { objectKey: objectKeyOf(ns, key), object: { ns, key, owner, filename, contentType, meta } },
          received,
        );
      } catch (error) {
        // A streamed body's temp file may still be there (an in-memory one never is).
        if (received.kind === 'file') await this.discardFile(received.file);
        throw error;
      }
    }
    const file = await this.receiveFile(body, { expectedMd5Hex: pending.md5, sha256: false });
    // The pending row stays until its URL expires: a client may retry a PUT whose answer it lost.
    return this.commitFile({ ...pending }, file);
  }

  /** Streams a body into a verified temp file; commit it with `commitFile` or drop it with `discardFile`. */
  receiveFile(
    body: AsyncIterable<Buffer>,
    verify: { expectedMd5Hex?: string; sha256: boolean },
  ): Promise<ReceivedFile> {
    return receiveToTempFile(body, {
      tmpDir: this.tmpDir,
      maxBytes: this.options.maxObjectBytes,
      fsync: this.options.fsync,
      sha256: verify.sha256,
      ...(verify.expectedMd5Hex !== undefined ? { expectedMd5Hex: verify.expectedMd5Hex } : {}),
    });
  }

  discardFile(file: ReceivedFile): Promise<void> {
    return rm(file.path, { force: true });
  }

  /** Makes a received file the current version of its key: bytes first, then the catalog row. */
  async commitFile(target: CommitTarget, file: ReceivedFile): Promise<StoredObject> {
    let blob: string;
    try {
      blob = await this.options.blobs.commit(objectKeyOf(target.ns, target.key), file, target.contentType);
    } catch (error) {
      await this.discardFile(file);
      throw error;
    }
    const now = this.now();
    const object: StoredObject = {
      ns: target.ns,
      key: target.key,
      owner: target.owner,
      filename: target.filename,
      size: file.size,
      md5: file.md5Hex,
      sha256: file.sha256Hex,
      contentType: target.contentType,
      createdAt: now,
      updatedAt: now,
      blob,
      meta: target.meta,
    };
    const replaced = this.catalog.upsert(object);
    if (replaced !== null) await this.options.blobs.remove(replaced);
    return this.catalog.get(target.ns, target.key) ?? object;
  }

  /**
   * Records an object the blob store already holds under `blob` (a completed multipart upload), with
   * the size and MD5 it was created for; the version it replaces, if stored elsewhere, is removed.
   */
  async recordObject(
    target: CommitTarget,
    landed: { blob: string; size: number; md5Hex: string },
  ): Promise<StoredObject> {
    const now = this.now();
    const replaced = this.catalog.upsert({
      ns: target.ns,
      key: target.key,
      owner: target.owner,
      filename: target.filename,
      size: landed.size,
      md5: landed.md5Hex,
      sha256: null,
      contentType: target.contentType,
      createdAt: now,
      updatedAt: now,
      blob: landed.blob,
      meta: target.meta,
    });
    if (replaced !== null) await this.options.blobs.remove(replaced);
    return this.catalog.get(target.ns, target.key) as StoredObject;
  }

  async open(object: StoredObject): Promise<Readable> {
    return this.options.blobs.read(object.blob);
  }

  async remove(ns: Namespace, key: string): Promise<StoredObject | null> {
    // An S3 upload that landed but was never listed is still an object to delete.
    await this.reconcileKey(ns, key);
    this.catalog.removePending(ns, key);
    const removed = this.catalog.remove(ns, key);
    if (removed) await this.options.blobs.remove(removed.blob);
    return removed;
  }

  private prunePending(): void {
    const now = this.now();
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    this.catalog.removePendingOlderThan(now - (this.options.urlTtlSeconds + PENDING_GRACE_SECONDS) * 1000);
  }

  /** Direct (S3) uploads land behind our back: commit the one for `key` if S3 now has it. */
  private async reconcileKey(ns: Namespace, key: string): Promise<void> {
    const direct = this.options.blobs.direct;
    if (!direct) return;
    const pending = this.catalog.pendingFor(ns, key);
    if (pending.length === 0) return;
    const landed = await direct.head(objectKeyOf(ns, key));
    if (landed) this.catalog.transaction(() => this.commitLanded(pending, landed));
  }

  /** Same as reconcileKey for every pending upload of an owner, with one listing instead of N HEADs. */
  private async reconcileOwner(ns: Namespace, owner: string, keyPrefix: string): Promise<void> {
    const direct = this.options.blobs.direct;
    if (!direct) return;
    const pending = this.catalog.pendingForOwner(ns, owner);
    if (pending.length === 0) return;
    const byKey = new Map<string, PendingUpload[]>();
    for (const upload of pending) {
      const list = byKey.get(upload.key) ?? [];
      list.push(upload);
      byKey.set(upload.key, list);
    }
    const landed: LandedObject[] = [];
    for await (const object of direct.list(objectKeyOf(ns, keyPrefix))) {
      if (byKey.has(keyOfObject(ns, object.blob))) landed.push(object);
    }
    this.catalog.transaction(() => {
      for (const object of landed) this.commitLanded(byKey.get(keyOfObject(ns, object.blob)) ?? [], object);
    });
  }

  private commitLanded(pending: readonly PendingUpload[], landed: LandedObject): void {
    const match = pending.find((upload) => upload.md5 === landed.md5Hex);
    if (!match) return;
    const current = this.catalog.get(match.ns, match.key);
    if (!current || current.md5 !== landed.md5Hex || current.updatedAt < landed.lastModified) {
      this.catalog.upsert({
        ns: match.ns,
        key: match.key,
        owner: match.owner,
        filename: match.filename,
        size: landed.size,
        md5: landed.md5Hex,
        sha256: null,
        contentType: match.contentType,
        createdAt: landed.lastModified,
        updatedAt: landed.lastModified,
        blob: landed.blob,
        meta: match.meta,
      });
    }
    this.catalog.removePending(match.ns, match.key, match.md5);
  }
}

/**
 * Temp files are uploads in progress. Those of a process that is gone died mid-body and are removed;
 * those of a live one are not touched: two servers may share a data dir (`hoist remote` and a CLI
 * that runs the embedded remote on the same data).
 */
async function removeAbandonedUploads(tmpDir: string): Promise<void> {
  for (const name of await readdir(tmpDir)) {
    const pid = Number(/^upload-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && processIsAlive(pid)) continue;
    await rm(join(tmpDir, name), { force: true, recursive: true });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function objectKeyOf(ns: Namespace, key: string): string {
  return `${ns}/${key}`;
}

function keyOfObject(ns: Namespace, objectKey: string): string {
  return objectKey.slice(ns.length + 1);
}
