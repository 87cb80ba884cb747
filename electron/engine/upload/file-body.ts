import { createReadStream } from 'node:fs';
import { SyncError } from '../sync-error.js';
import type { BodySource } from '../remote/remote-provider.js';
import type { ByteGate } from './upload-budget.js';

// Large reads keep syscalls and per-chunk overhead low; 1 MiB matches the hasher.
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of one file for one upload attempt, streamed from disk: counts progress, obeys the
 * bandwidth limit, and fails (as a "file changed" error) if the file is no longer the size that was
 * hashed, so a truncated or grown file is never sent under the old MD5.
 */
export function fileBody(
  absolutePath: string,
  expectedSize: number,
  options: { limiter: ByteGate; onBytes: (bytes: number) => void; signal?: AbortSignal },
): BodySource {
  return async function* read(): AsyncIterable<Uint8Array> {
    let sent = 0;
    const stream = createReadStream(absolutePath, {
      highWaterMark: READ_CHUNK_BYTES,
      ...(expectedSize > 0 ? { start: 0, end: expectedSize } : {}),
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
  };
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
