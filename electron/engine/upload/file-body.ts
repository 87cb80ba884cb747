import { createReadStream } from 'node:fs';
import { SyncError } from '../sync-error.js';
import type { BodySource } from '../remote/remote-provider.js';
import type { ByteGate } from './upload-budget.js';

// Large reads keep syscalls and per-chunk overhead low; 1 MiB matches the hasher.
const READ_CHUNK_BYTES = 1024 * 1024;

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
 * was hashed. It reads exactly that size (`end` is inclusive) and no further, so reaching the end
 * costs no extra read: a grown file sends its first `expectedSize` bytes, which the remote refuses
 * unless they are the bytes hashed (Content-MD5, or Open WebUI's SHA-256), and the uploader's stat
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

async function* readFile(
  absolutePath: string,
  expectedSize: number,
  options: BodyOptions,
  start = 0,
): AsyncIterable<Uint8Array> {
  let sent = 0;
  const stream = createReadStream(absolutePath, {
    highWaterMark: READ_CHUNK_BYTES,
    ...(expectedSize > 0 ? { start, end: start + expectedSize - 1 } : {}),
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sent += chunk.length;
      if (sent > expectedSize) throw fileChanged(absolutePath);
      await options.limiter.take(chunk.length, options.signal);
      options.onBytes(chunk.length);
      yield chunk;
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
    stream.destroy();
  }
  if (sent !== expectedSize) throw fileChanged(absolutePath);
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
