import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Placement } from './blob-placement.js';
import type { BatchedBlobs, BlobStore } from './blob-store.js';
import type { Catalog, StoredObject } from './catalog.js';
import type { ReceivedBody } from './received-file.js';

/** What one upload commits: where it goes and the metadata it is stored with. */
export interface GroupCommitTarget {
  objectKey: string;
  object: Omit<StoredObject, 'size' | 'md5' | 'sha256' | 'createdAt' | 'updatedAt' | 'blob'>;
}

/**
 * Test seams around the durable part of a batch: `beforePlacing` may hold a batch before its blobs
 * are written and synced; `placed` names the object keys whose blob and directory entry were synced.
 */
export interface GroupCommitHooks {
  /** An upload whose body is verified joined the queue for the next batch. */
  queued?(objectKey: string): void;
  beforePlacing?(objectKeys: readonly string[]): Promise<void> | void;
  placed?(objectKeys: readonly string[]): void;
}

interface Entry {
  target: GroupCommitTarget;
  placement: Placement;
  size: number;
  md5Hex: string;
  resolve: (object: StoredObject) => void;
  reject: (error: unknown) => void;
}

// Temp names of in-memory bodies: the pid first, so a later start knows whose they are (storage-core.ts).
const RUN_ID = randomUUID().slice(0, 8);

/**
 * The group commit of the fs backend's uploads. Every upload that finishes receiving while a batch is
 * being made durable waits for the next batch; a batch is then put in place together (the blob
 * writer thread writes, fsyncs and renames each blob, then fsyncs each directory once), recorded in
 * one catalog transaction synced to disk once, and only then is each of its uploads answered. The
 * durability promise is the one of docs/reference-remote.md §7, per upload: its bytes and directory
 * entry are on disk before its row commits, and its row is on disk before it is answered 200. A lone
 * upload is not delayed: a batch starts at the next turn of the event loop, not after a timer.
 */
export class GroupCommit {
  private queue: Entry[] = [];
  private running = false;
  private nextTemp = 0;

  constructor(
    private readonly blobs: BatchedBlobs & Pick<BlobStore, 'remove'>,
    private readonly catalog: Catalog,
    private readonly tmpDir: string,
    private readonly fsync: boolean,
    private readonly now: () => number,
    private readonly hooks: GroupCommitHooks = {},
  ) {}

  /** Makes a verified body the current version of its key; resolves once that is durable. */
  commit(target: GroupCommitTarget, body: ReceivedBody): Promise<StoredObject> {
    const md5Hex = body.kind === 'memory' ? body.md5Hex : body.file.md5Hex;
    const blob = this.blobs.blobName(target.objectKey, md5Hex);
    const placement: Placement =
      body.kind === 'memory'
        ? {
            blob,
            bytes: body.bytes,
            tempPath: join(this.tmpDir, `upload-${process.pid}-${RUN_ID}-${this.nextTemp++}.part`),
          }
        : { blob, tempPath: body.file.path };
    const size = body.kind === 'memory' ? body.size : body.file.size;
    return new Promise((resolve, reject) => {
      this.queue.push({ target, placement, size, md5Hex, resolve, reject });
      this.hooks.queued?.(target.objectKey);
      if (this.running) return;
      this.running = true;
      // The next turn, so the uploads whose bodies ended in this one join the same batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.flush(batch);
      } catch (error) {
        // Settles those not yet answered; an entry already resolved keeps its answer.
        for (const entry of batch) entry.reject(error);
      }
    }
    this.running = false;
  }

  private async flush(batch: Entry[]): Promise<void> {
    await this.hooks.beforePlacing?.(batch.map((entry) => entry.target.objectKey));
    const results = await this.blobs.place(batch.map((entry) => entry.placement));
    const placed: Entry[] = [];
    for (const [index, entry] of batch.entries()) {
      const result = results[index];
      if (result?.ok === true && (result.synced || !this.fsync)) placed.push(entry);
      else
        entry.reject(
          new Error(`Storing the upload failed: ${result?.ok === false ? result.message : 'no result'}`),
        );
    }
    if (placed.length === 0) return;
    this.hooks.placed?.(placed.map((entry) => entry.target.objectKey));
    const now = this.now();
    const objects: StoredObject[] = placed.map((entry) => ({
      ...entry.target.object,
      size: entry.size,
      md5: entry.md5Hex,
      sha256: null,
      createdAt: now,
      updatedAt: now,
      blob: entry.placement.blob,
    }));
    const upserted = this.catalog.upsertMany(objects);
    // A version replaced within this batch may be the one a later upload of the batch put back (the
    // same key and content again): that blob is current again and must stay.
    const finalBlobs = new Map(objects.map((object) => [`${object.ns}/${object.key}`, object.blob]));
    const current = new Set(finalBlobs.values());
    for (const { replacedBlob: blob } of upserted) {
      if (blob === null || current.has(blob)) continue;
      // The new rows are committed: a blob left here is an orphan the sweep removes later.
      await this.blobs.remove(blob).catch((error: unknown) => {
        console.error('reference server: removing a replaced blob failed:', error);
      });
    }
    // Each as it was committed (a later upload of the same key in this batch may already replace it).
    for (const [index, entry] of placed.entries()) {
      const object = objects[index] as StoredObject;
      entry.resolve({ ...object, createdAt: upserted[index]?.createdAt ?? object.createdAt });
    }
  }
}
