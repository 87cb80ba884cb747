import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
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

  async sweep(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    await mkdir(this.root, { recursive: true });
    for (const directory of await readdir(this.root)) {
      for (const name of await readdir(join(this.root, directory))) {
        const blob = `${directory}/${name}`;
        if (!referenced.has(blob)) {
          await rm(join(this.root, blob), { force: true });
          removed++;
        }
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
