import { Readable } from 'node:stream';
import { SyncError } from '../sync-error.js';
import { causeChain, describeError } from './error-chain.js';
import type { RequestBody } from './http-types.js';

/**
 * Bodies counted on their way through: a request body checked against its Content-Length, and a
 * response body read up to a cap. Counting is what tells the file's problem from the network's.
 */

/** The reason a streamed request body failed on our side; see `localBodyError`. */
export class BodySourceError extends Error {
  constructor(
    message: string,
    readonly kind: 'read-failed' | 'length-mismatch',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BodySourceError';
  }
}

/** The BodySourceError somewhere in an error's cause chain. */
export function localBodyError(error: unknown): BodySourceError | undefined {
  return causeChain(error).find((link): link is BodySourceError => link instanceof BodySourceError);
}

/** The Content-Length a caller announced, whatever the header's case. */
export function contentLength(headers: Record<string, string> | undefined): number | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-length') return Number(value);
  }
  return undefined;
}

/**
 * Streams an async iterable body, counting its bytes: a source that fails or yields more or fewer
 * bytes than Content-Length becomes a BodySourceError, so the file's problem is not taken for the
 * network's.
 */
export function countedBody(
  body: RequestBody | undefined,
  expectedLength: number | undefined,
): string | Uint8Array | Readable | undefined {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    let sent = 0;
    let iterator: AsyncIterator<Uint8Array>;
    try {
      iterator = body[Symbol.asyncIterator]();
    } catch (error) {
      throw new BodySourceError(describeError(error), 'read-failed', { cause: error });
    }
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          throw new BodySourceError(describeError(error), 'read-failed', { cause: error });
        }
        if (next.done) break;
        sent += next.value.byteLength;
        if (expectedLength !== undefined && sent > expectedLength) {
          throw new BodySourceError(`more than the ${expectedLength} bytes announced`, 'length-mismatch');
        }
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
    if (expectedLength !== undefined && sent !== expectedLength) {
      throw new BodySourceError(
        `${sent} bytes instead of the ${expectedLength} announced`,
        'length-mismatch',
      );
    }
  };
  // A byte stream (not object mode) so undici writes it with backpressure.
  return Readable.from(counted(), { objectMode: false });
}

/**
 * A response body as text, read up to `limit` bytes. Past the limit the body is destroyed and, when
 * it `mustFit` (an answer the caller needs whole), that is a SyncError naming `what` was too large;
 * otherwise (an error body, only read for its message) the first `limit` bytes are kept.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown },
  limit: number,
  mustFit: boolean,
  what = 'The answer',
): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk);
    if (total + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - total));
      body.destroy();
      if (mustFit) {
        throw new SyncError(
          'remote-rejected',
          `${what} was larger than the ${formatLimit(limit)} Hoist reads for it; the rest was not read.`,
          {
            reason: 'response-too-large',
          },
        );
      }
      break;
    }
    chunks.push(buffer);
    total += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
