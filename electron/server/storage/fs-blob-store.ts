import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BatchedBlobs, BlobStore } from './blob-store.js';
import type { Placement, PlacementResult } from './blob-placement.js';
import { placeBlobBatch } from './blob-writer.js';
import type { ReceivedFile } from './received-file.js';

/**
 * Blobs in a data directory. Each version gets its own file, `<2 hex>/<sha256 of key>.<md5>`: a new
 * version is renamed into place beside the old one and the catalog switches to it in one transaction,
 * so a crash at any instant leaves either the old or the new version complete, and at worst an
 * orphan file that `sweep` removes. Names never derive from user input, so no filename can escape
 * the directory.
 */
// A blob is renamed into place milliseconds before its catalog row commits; ten minutes is far beyond that.
const SWEEP_MIN_AGE_MS = 10 * 60_000;

/** The name ending of a multipart blob: a directory of its parts (see adoptParts). */
const PARTS_SUFFIX = '.parts';

export class FsBlobStore implements BlobStore, BatchedBlobs {
  readonly kind = 'fs' as const;
  readonly batched: BatchedBlobs = this;

  constructor(
    private readonly root: string,
    private readonly fsync: boolean,
  ) {}

  blobName(objectKey: string, md5Hex: string): string {
    const keyHash = createHash('sha256').update(objectKey).digest('hex');
    return `${keyHash.slice(0, 2)}/${keyHash}.${md5Hex}`;
  }

  /** Puts many blobs in place at once, one directory fsync each (blob-placement.ts). */
  place(placements: Placement[]): Promise<PlacementResult[]> {
    return placeBlobBatch(this.root, this.fsync, placements);
  }

  async commit(objectKey: string, file: ReceivedFile): Promise<string> {
    const keyHash = createHash('sha256').update(objectKey).digest('hex');
    const blob = `${keyHash.slice(0, 2)}/${keyHash}.${file.md5Hex}`;
    const directory = join(this.root, keyHash.slice(0, 2));
    await mkdir(directory, { recursive: true });
    await rename(file.path, join(this.root, blob));
    if (this.fsync) await syncDirectory(directory);
    return blob;
  }

  /**
   * Makes a completed multipart upload's directory of parts (`<n>.<md5>` files, verified one by one)
   * the blob of `objectKey`: renamed into place whole, never copied, so completing a 6 GiB upload
   * costs a rename. Its name ends in `.parts`; `read` joins the parts in order.
   */
  async adoptParts(objectKey: string, md5Hex: string, partsDirectory: string): Promise<string> {
    const keyHash = createHash('sha256').update(objectKey).digest('hex');
    const blob = `${keyHash.slice(0, 2)}/${keyHash}.${md5Hex}${PARTS_SUFFIX}`;
    const directory = join(this.root, keyHash.slice(0, 2));
    await mkdir(directory, { recursive: true });
    // The same content completed twice for one key: the first directory is already the blob.
    await rm(join(this.root, blob), { recursive: true, force: true });
    await rename(partsDirectory, join(this.root, blob));
    // Its parts may be hours old: the sweep must see it as new until its catalog row commits.
    const now = new Date();
    await utimes(join(this.root, blob), now, now);
    if (this.fsync) await syncDirectory(directory);
    return blob;
  }

  async read(blob: string): Promise<Readable> {
    if (blob.endsWith(PARTS_SUFFIX)) return this.readParts(join(this.root, blob));
    const stream = createReadStream(join(this.root, blob), { highWaterMark: 1024 * 1024 });
    // Surface a missing file as a rejected promise here rather than an error event mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  /** The parts of a multipart blob, one after the other, in part order. */
  private async readParts(directory: string): Promise<Readable> {
    const parts = (await readdir(directory))
      .map((name) => ({ name, number: Number(name.slice(0, name.indexOf('.'))) }))
      .filter((part) => Number.isInteger(part.number) && part.number > 0)
      .sort((a, b) => a.number - b.number);
    async function* joined(): AsyncGenerator<Buffer> {
      for (const part of parts) {
        yield* createReadStream(join(directory, part.name), {
          highWaterMark: 1024 * 1024,
        }) as AsyncIterable<Buffer>;
      }
    }
    return Readable.from(joined(), { objectMode: false });
  }

  async remove(blob: string): Promise<void> {
    await rm(join(this.root, blob), { force: true, recursive: blob.endsWith(PARTS_SUFFIX) });
  }

  /**
   * Removes blob files (and multipart blob directories) no catalog row references: versions a crash
   * left between rename and commit.
   * Only files older than a few minutes: another server sharing the data dir may be between its own
   * rename and commit right now. Entries that are not ours (a stray file) are left alone.
   */
  async sweep(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    await mkdir(this.root, { recursive: true });
    const cutoff = Date.now() - SWEEP_MIN_AGE_MS;
    for (const directory of await readdir(this.root, { withFileTypes: true })) {
      if (!directory.isDirectory()) continue;
      for (const entry of await readdir(join(this.root, directory.name), { withFileTypes: true })) {
        const blob = `${directory.name}/${entry.name}`;
        const parts = entry.isDirectory() && entry.name.endsWith(PARTS_SUFFIX);
        if ((!entry.isFile() && !parts) || referenced.has(blob)) continue;
        const info = await stat(join(this.root, blob)).catch(() => null);
        if (info === null || info.mtimeMs > cutoff) continue;
        await rm(join(this.root, blob), { force: true, recursive: parts });
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
