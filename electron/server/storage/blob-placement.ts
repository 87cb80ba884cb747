import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * One upload's bytes to put in place as a blob: either a small verified body still in memory (written
 * here to a temp file first) or a large one the receiver already streamed to a temp file and synced.
 */
export interface Placement {
  /** The blob name, relative to the store's root (`<2 hex>/<sha256 of key>.<md5>`). */
  blob: string;
  bytes?: Uint8Array;
  /** Where the bytes go first when given (`bytes`), or where they already are (no `bytes`). */
  tempPath: string;
}

export type PlacementResult = { ok: true; synced: boolean } | { ok: false; message: string; code?: string };

/**
 * Puts a batch of blobs in place with blocking calls, meant for a thread of its own (blob-writer.ts):
 * for each blob, the temp file is written and fsynced, then renamed into place; then each directory
 * that gained an entry is fsynced once for the whole batch. That last part is the group commit: N
 * concurrent uploads cost N file syncs but one directory sync per directory, and one hand-off between
 * threads instead of ~10 libuv round trips each. `synced` says the file and its directory entry were
 * both flushed (fsync on and no error): only then may the upload be answered.
 * `knownDirectories` remembers the `<2 hex>` directories that exist, so each is made once per process.
 */
export function placeBlobs(
  root: string,
  fsync: boolean,
  placements: readonly Placement[],
  knownDirectories: Set<string>,
): PlacementResult[] {
  const results: PlacementResult[] = [];
  // Directory → indexes of the placements whose entries it holds, synced once each below.
  const touched = new Map<string, number[]>();
  for (const [index, placement] of placements.entries()) {
    try {
      const target = join(root, placement.blob);
      const directory = dirname(target);
      if (!knownDirectories.has(directory)) {
        // A new directory's own entry lives in the root: sync that too.
        if (mkdirSync(directory, { recursive: true }) !== undefined && fsync) touch(touched, root, -1);
        knownDirectories.add(directory);
      }
      if (placement.bytes !== undefined) writeSynced(placement.tempPath, placement.bytes, fsync);
      renameSync(placement.tempPath, target);
      touch(touched, directory, index);
      results.push({ ok: true, synced: fsync });
    } catch (error) {
      if (placement.bytes !== undefined) rmSync(placement.tempPath, { force: true });
      results.push(failure(error));
    }
  }
  if (!fsync) return results;
  for (const [directory, indexes] of touched) {
    try {
      syncPath(directory);
    } catch (error) {
      // The rename is in place but not durable: those uploads must not be answered as stored.
      const failed = failure(error);
      const all = indexes.includes(-1) ? results.keys() : indexes;
      for (const index of all) if (results[index]?.ok === true) results[index] = failed;
    }
  }
  return results;
}

function touch(touched: Map<string, number[]>, directory: string, index: number): void {
  const indexes = touched.get(directory);
  if (indexes === undefined) touched.set(directory, [index]);
  else indexes.push(index);
}

function writeSynced(path: string, bytes: Uint8Array, fsync: boolean): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    let done = 0;
    while (done < bytes.length) {
      const written = writeSync(fd, bytes, done, bytes.length - done);
      if (written <= 0) throw new Error('The disk accepted no bytes');
      done += written;
    }
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function failure(error: unknown): PlacementResult {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return {
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
