import Database from 'better-sqlite3';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore } from '../../electron/server/storage/fs-blob-store.js';

/**
 * The bytes a reference server's fs backend stores for a key, read from its own catalog and blobs
 * (an object uploaded in parts is its directory of parts, read back through the fs store itself).
 */
export async function storedBytes(dataDir: string, key: string, namespace = 'alloy'): Promise<Buffer> {
  const catalog = new Database(join(dataDir, 'catalog.db'), { readonly: true });
  try {
    const row = catalog.prepare('SELECT blob FROM objects WHERE ns = ? AND key = ?').get(namespace, key) as
      { blob: string } | undefined;
    if (!row) throw new Error(`No stored object ${namespace}/${key}`);
    const blobs = join(dataDir, 'blobs');
    if (!(await stat(join(blobs, row.blob))).isDirectory()) return await readFile(join(blobs, row.blob));
    const chunks: Buffer[] = [];
    for await (const chunk of await new FsBlobStore(blobs, false).read(row.blob))
      chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    catalog.close();
  }
}
