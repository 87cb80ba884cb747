import {
  closeSync,
  fsync as fsyncCallback,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
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
 * Puts a batch of blobs in place, meant for a thread of its own (blob-writer.ts): each in-memory body
 * is written to its temp file with blocking calls (microseconds each), then every file of the batch
 * is fsynced at once (in parallel on the libuv pool: a disk takes several flushes at a time, and done
 * one after the other they made a batch wait for the sum), then each is renamed into place, then each
 * directory that gained an entry is fsynced once for the whole batch. That is the group commit: N
 * concurrent uploads cost one directory sync per directory and one hand-off between threads instead
 * of ~10 libuv round trips each. A file is synced before its rename, so a rename over an identical
 * blob (the same content uploaded again) never exposes unflushed bytes under a committed name.
 * `synced` says the file and its directory entry were both flushed (fsync on and no error): only then
 * may the upload be answered. `knownDirectories` remembers the `<2 hex>` directories that exist, so
 * each is made once per process.
 */
export async function placeBlobs(
  root: string,
  fsync: boolean,
  placements: readonly Placement[],
  knownDirectories: Set<string>,
): Promise<PlacementResult[]> {
  const results: PlacementResult[] = placements.map(() => ({ ok: true, synced: fsync }));
  const fail = (index: number, error: unknown): void => {
    results[index] = failure(error);
  };
  const written: Array<{ index: number; fd: number | null }> = [];
  for (const [index, placement] of placements.entries()) {
    try {
      written.push({
        index,
        fd: placement.bytes !== undefined ? writeTemp(placement.tempPath, placement.bytes) : null,
      });
    } catch (error) {
      fail(index, error);
    }
  }
  if (fsync) {
    await Promise.all(
      written.map(({ index, fd }) =>
        (fd !== null ? fsyncFd(fd) : syncPath((placements[index] as Placement).tempPath)).catch(
          (error: unknown) => fail(index, error),
        ),
      ),
    );
  }
  // Directory → indexes of the placements whose entries it holds (-1: a new directory's entry in root).
  const touched = new Map<string, number[]>();
  for (const { index, fd } of written) {
    const placement = placements[index] as Placement;
    try {
      if (fd !== null) closeSync(fd);
      if (results[index]?.ok !== true) throw new Error('not placed');
      const target = join(root, placement.blob);
      const directory = dirname(target);
      if (!knownDirectories.has(directory)) {
        if (mkdirSync(directory, { recursive: true }) !== undefined && fsync) touch(touched, root, -1);
        knownDirectories.add(directory);
      }
      renameSync(placement.tempPath, target);
      touch(touched, directory, index);
    } catch (error) {
      if (results[index]?.ok === true) fail(index, error);
      if (placement.bytes !== undefined) rmSync(placement.tempPath, { force: true });
    }
  }
  if (!fsync) return results;
  await Promise.all(
    [...touched].map(([directory, indexes]) =>
      syncPath(directory).catch((error: unknown) => {
        // The renames are in place but not durable: those uploads must not be answered as stored.
        const all = indexes.includes(-1) ? [...results.keys()] : indexes;
        for (const index of all) if (results[index]?.ok === true) fail(index, error);
      }),
    ),
  );
  return results;
}

function touch(touched: Map<string, number[]>, directory: string, index: number): void {
  const indexes = touched.get(directory);
  if (indexes === undefined) touched.set(directory, [index]);
  else indexes.push(index);
}

/** Writes a new temp file and leaves it open for its fsync; closes it only on failure. */
function writeTemp(path: string, bytes: Uint8Array): number {
  const fd = openSync(path, 'wx', 0o600);
  try {
    let done = 0;
    while (done < bytes.length) {
      const written = writeSync(fd, bytes, done, bytes.length - done);
      if (written <= 0) throw new Error('The disk accepted no bytes');
      done += written;
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
}

const fsyncFd = promisify(fsyncCallback);

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
