import { open, type FileHandle } from 'node:fs/promises';
import { READ_SIZE } from '../hash/hash-file.js';
import { SyncError } from '../sync-error.js';
import type { BodySource } from '../remote/remote-provider.js';
import type { ByteGate } from './upload-budget.js';

// The hasher's read size (hash-file.ts, READ_SIZE, which says why 256 KiB): the body of a large file
// is read from the page cache that hash just filled. One 1 GiB file in one PUT, client CPU (alternating
// runs): 3.35-4.14 s with 1 MiB chunks, 3.05-3.33 s with 256 KiB, 3.45-3.54 s with 512 KiB, 3.65 s
// with 128 KiB.
const READ_CHUNK_BYTES = READ_SIZE;

interface BodyOptions {
  limiter: ByteGate;
  onBytes: (bytes: number) => void;
  signal?: AbortSignal;
}

/**
 * One upload attempt's body: `ready` is awaited once the body has its transfer slot, just before
 * the provider sends `source`.
 */
export interface UploadBody {
  ready(): Promise<void>;
  source: BodySource;
}

/**
 * The bytes a small file's hash was computed from (held-bodies.ts), sent as they are: one buffer,
 * one write, no file opened. `ready` waits for the bandwidth limit to allow all of them, and counts
 * them as sent.
 */
export function heldBody(bytes: Buffer, options: BodyOptions): UploadBody {
  return {
    ready: async () => {
      await options.limiter.take(bytes.length, options.signal);
      options.onBytes(bytes.length);
    },
    source: () => bytes,
  };
}

/**
 * The bytes of one file for one upload attempt, streamed from disk: counts progress, obeys the
 * bandwidth limit, and fails (as a "file changed" error) if the file is shorter than the size that
 * was hashed. It reads exactly that size and no further, so reaching the end costs no extra read:
 * a grown file sends its first `expectedSize` bytes, which the remote refuses unless they are the bytes hashed (Content-MD5, or Open WebUI's SHA-256), and the uploader's stat
 * after the upload sees the growth and queues the file again.
 */
export function fileBody(absolutePath: string, expectedSize: number, options: BodyOptions): UploadBody {
  return { ready: () => Promise.resolve(), source: () => readFile(absolutePath, expectedSize, options) };
}

/**
 * One part of a file (`size` bytes from `start`), streamed like a whole file's body: a file now
 * shorter than the range fails as "file changed".
 */
export function fileRangeSource(
  absolutePath: string,
  start: number,
  size: number,
  options: BodyOptions,
): BodySource {
  return () => readFile(absolutePath, size, options, start);
}

/**
 * Buffers one body reads into, in turn. A file sent from disk used to get a new buffer per read
 * (createReadStream, 1 MiB each): garbage that V8 collects only once ~64 MiB of it has piled up
 * outside its heap, so a 1 GiB upload's process peaked ~60 MB higher and spent ~1 s of CPU in full
 * collections (docs/benchmarks.md, "Bodies from disk through four reused buffers"). Reusing a few buffers is safe because of when the next read is
 * asked for: the request writes the body through a Node stream, which asks for chunk n+1 only once the
 * socket has taken chunk n or is still writing it, never later ones (a Writable holds a chunk until its
 * write callback, and undici waits for 'drain' when a write is not done at once; the counted body's
 * Readable holds at most one chunk ahead). That needs every chunk but the last to be larger than those
 * streams' high-water marks (16 and 64 KiB), which whole reads of READ_CHUNK_BYTES are. So when chunk
 * n is read, chunk n-1 may still be in flight and n-2 is done: measured, two buffers already deliver
 * every byte and one does not; four leave a margin. The remote checks every body anyway (Content-MD5,
 * or the SHA-256 Open WebUI's metadata carries), and test/integration/upload-body-reuse.test.ts sends
 * through a socket held full.
 */
const RING_BUFFERS = 4;

class ChunkRing {
  private readonly buffers: Buffer[] = [];
  private turn = 0;

  constructor(private readonly chunkBytes: number) {}

  next(): Buffer {
    const index = this.turn++ % RING_BUFFERS;
    // Allocated as needed: a body of one chunk never allocates a second buffer.
    let buffer = this.buffers[index];
    if (buffer === undefined) {
      buffer = Buffer.allocUnsafeSlow(this.chunkBytes);
      this.buffers[index] = buffer;
    }
    return buffer;
  }
}

async function* readFile(
  absolutePath: string,
  expectedSize: number,
  options: BodyOptions,
  start = 0,
): AsyncIterable<Uint8Array> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(absolutePath, 'r');
    const ring = new ChunkRing(Math.min(READ_CHUNK_BYTES, Math.max(1, expectedSize)));
    let sent = 0;
    while (sent < expectedSize) {
      const buffer = ring.next();
      const wanted = Math.min(buffer.length, expectedSize - sent);
      const got = await readFully(handle, buffer, wanted, start + sent);
      // Shorter than the size that was hashed: the file changed.
      if (got < wanted) throw fileChanged(absolutePath);
      await options.limiter.take(got, options.signal);
      options.onBytes(got);
      sent += got;
      yield got === buffer.length ? buffer : buffer.subarray(0, got);
    }
  } catch (error) {
    if (error instanceof SyncError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new SyncError('local-file', 'The file was deleted while uploading', {
        reason: 'file-changed',
        retryable: false,
      });
    throw new SyncError('local-file', `Cannot read the file: ${(error as Error).message}`, {
      reason: 'unreadable',
      detail: code ?? String(error),
    });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Reads `length` bytes at `position` into the start of `buffer`, or fewer only at the end of the file:
 * every chunk but the last is whole, which the reuse above counts on.
 */
async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function fileChanged(absolutePath: string): SyncError {
  return new SyncError(
    'local-file',
    'The file changed while it was being uploaded; it will be uploaded again',
    {
      reason: 'file-changed',
      detail: absolutePath,
    },
  );
}
