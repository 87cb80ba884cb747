import { SyncError } from '../sync-error.js';
import type { HttpResponse } from './http-types.js';

/**
 * An answer whose body is read as it arrives instead of whole (HttpClient.requestStream): a listing
 * of a million files is ~200 MB of JSON, which must pass through, not be held.
 */
export interface StreamedResponse {
  status: number;
  headers: HttpResponse['headers'];
  /**
   * The body's chunks, read once. Counted against the request's limit; a failure while reading
   * (the connection cut, the body stalling past its timeout, the limit) is a SyncError.
   */
  body: AsyncIterable<Uint8Array>;
  /**
   * Drops the rest of the body and frees the connection. Done by itself when `body` ends or fails;
   * a caller that stops reading early (or never starts) must call it. Calling it again does nothing.
   */
  cancel(): void;
}

/** What undici hands over: a readable body that can be destroyed. */
interface ReadableBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Wraps a 2xx answer's body: counts it against `limit`, turns whatever reading throws into what
 * `failure` makes of it, and calls `release` exactly once, when the body ended, failed or was
 * cancelled (the client counts the request in flight until then).
 */
export function streamedResponse(
  answer: { status: number; headers: HttpResponse['headers']; body: ReadableBody },
  limit: number,
  failure: (error: unknown) => unknown,
  release: () => void,
): StreamedResponse {
  let released = false;
  const cancel = (): void => {
    if (released) return;
    released = true;
    // A body destroyed before its end emits an abort error; nobody reads it any more to hear it.
    answer.body.on('error', () => undefined);
    answer.body.destroy();
    release();
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let total = 0;
    try {
      for await (const chunk of answer.body) {
        total += chunk.byteLength;
        if (total > limit) throw tooLarge(limit);
        yield chunk;
      }
    } catch (error) {
      throw failure(error);
    } finally {
      cancel();
    }
  }
  return { status: answer.status, headers: answer.headers, body: chunks(), cancel };
}

function tooLarge(limit: number): SyncError {
  return new SyncError(
    'remote-rejected',
    `The answer was larger than the ${formatLimit(limit)} Hoist reads for this request.`,
    { reason: 'response-too-large' },
  );
}

function formatLimit(bytes: number): string {
  const GiB = 1024 * 1024 * 1024;
  if (bytes >= GiB) return `${Math.round((bytes / GiB) * 10) / 10} GiB`;
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
