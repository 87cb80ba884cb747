import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** MD5 of some bytes, hex: how the remote and the folder are compared. */
export const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** Every file of a folder by its '/'-separated path, with the MD5 of its bytes (files gone meanwhile are left out). */
export async function folderSnapshot(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch(() => null);
    if (bytes !== null) files.set(path.slice(folder.length + 1).replace(/\\/g, '/'), md5Hex(bytes));
  }
  return files;
}

/**
 * What a reference server holds for one user's Alloy namespace, read from its own catalog and blobs
 * (not through the API, so faults injected into the API do not blur the picture): the folder path
 * each object stands for (our remote names: `<id>_<path with ∕ for />`) and the MD5 of its bytes.
 */
export async function remoteSnapshot(dataDir: string): Promise<Map<string, string>> {
  const catalog = new Database(join(dataDir, 'catalog.db'), { readonly: true });
  try {
    const rows = catalog.prepare("SELECT key, blob FROM objects WHERE ns = 'alloy'").all() as Array<{
      key: string;
      blob: string;
    }>;
    const remote = new Map<string, string>();
    for (const row of rows) {
      const name = row.key.slice(row.key.indexOf('_') + 1).replace(/\u2215/g, '/');
      const bytes = await readFile(join(dataDir, 'blobs', row.blob)).catch(() => null);
      // A blob replaced between the query and the read: the next snapshot sees the new one.
      if (bytes !== null) remote.set(name, md5Hex(bytes));
    }
    return remote;
  } finally {
    catalog.close();
  }
}

/** The differences between two snapshots, for a failure message a person can act on. */
export function snapshotDifferences(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [path, digest] of expected) {
    const other = actual.get(path);
    if (other === undefined) differences.push(`missing on the remote: ${path}`);
    else if (other !== digest) differences.push(`different on the remote: ${path}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) differences.push(`stale on the remote: ${path}`);
  return differences;
}
