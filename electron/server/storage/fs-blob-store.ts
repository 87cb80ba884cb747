import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store.js';
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

export class FsBlobStore implements BlobStore {
  readonly kind = 'fs' as const;

  constructor(
    private readonly root: string,
    private readonly fsync: boolean,
  ) {}

  async commit(objectKey: string, file: ReceivedFile): Promise<string> {
    const keyHash = createHash('sha256').update(objectKey).digest('hex');
    const blob = `${keyHash.slice(0, 2)}/${keyHash}.${file.md5Hex}`;
    const directory = join(this.root, keyHash.slice(0, 2));
    await mkdir(directory, { recursive: true });
    await rename(file.path, join(this.root, blob));
    if (this.fsync) await syncDirectory(directory);
    return blob;
  }

  async read(blob: string): Promise<Readable> {
    const stream = createReadStream(join(this.root, blob), { highWaterMark: 1024 * 1024 });
    // Surface a missing file as a rejected promise here rather than an error event mid-response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async remove(blob: string): Promise<void> {
    await rm(join(this.root, blob), { force: true });
  }

  /**
   * Removes blob files no catalog row references: versions a crash left between rename and commit.
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
        if (!entry.isFile() || referenced.has(blob)) continue;
        const info = await stat(join(this.root, blob)).catch(() => null);
        if (info === null || info.mtimeMs > cutoff) continue;
        await rm(join(this.root, blob), { force: true });
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
