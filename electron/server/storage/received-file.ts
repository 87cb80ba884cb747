import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashInline, type Digests } from './block-hasher.js';
import { BLOCK_BYTES, BlockRing } from './block-ring.js';
import { FileOutput } from './file-output.js';
import { startHasher } from './hash-thread.js';

/** A body written to a temp file and verified; commit it with a blob store or discard it. */
export interface ReceivedFile {
  path: string;
  size: number;
  md5Hex: string;
  sha256Hex: string | null;
}

export interface ReceiveOptions {
  tmpDir: string;
  maxBytes: number;
  /** When set, a body with another MD5 is rejected and nothing is kept. */
  expectedMd5Hex?: string;
  sha256?: boolean;
  /** Flush to disk before returning, so a committed object survives a power cut. */
  fsync?: boolean;
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Body exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export class DigestMismatchError extends Error {
  constructor(
    readonly expectedMd5Hex: string,
    readonly actualMd5Hex: string,
  ) {
    super(`Body MD5 ${actualMd5Hex} does not match the expected ${expectedMd5Hex}`);
    this.name = 'DigestMismatchError';
  }
}

/**
 * Streams `source` into a new temp file while computing MD5 (and SHA-256 when asked), never holding more
 * than `RING_BLOCKS` blocks in memory. On any failure (size limit, digest mismatch, a client that
 * disconnects, a full disk) the temp file is removed before the error propagates, so a broken upload
 * leaves nothing behind.
 *
 * A body that fits in one block is hashed and written on the spot. A larger one goes through a few
 * reused blocks: the event loop copies socket chunks into a block, hands the full block to a worker
 * thread (transferred, not copied) to be hashed, and writes it to the file when it comes back, so MD5 —
 * the bottleneck, as fast as `md5sum` at best — runs on its own core instead of competing with the
 * socket and the disk, and hashing one block overlaps receiving the next and writing the previous.
 * The parts: file-output.ts (ordered writes and syncs), block-ring.ts (the blocks), block-hasher.ts
 * and hash-thread.ts (hashing inline or on the thread).
 */
export async function receiveToTempFile(
  source: AsyncIterable<Buffer>,
  options: ReceiveOptions,
): Promise<ReceivedFile> {
  // The pid in the name tells a later start which temp files belong to a live server sharing the dir.
  const path = join(options.tmpDir, `upload-${process.pid}-${randomUUID()}.part`);
  const handle = await open(path, 'wx', 0o600);
  const sha256 = options.sha256 === true;
  const output = new FileOutput(handle, options.fsync === true);
  let ring: BlockRing | null = null;
  let first: Buffer[] = [];
  let firstBytes = 0;
  let size = 0;

  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > options.maxBytes) throw new BodyTooLargeError(options.maxBytes);
      if (ring !== null) {
        await ring.append(chunk);
        continue;
      }
      first.push(chunk);
      firstBytes += chunk.length;
      if (firstBytes >= BLOCK_BYTES) {
        // More than a block: this body is worth the pipeline.
        ring = new BlockRing(output, startHasher(sha256));
        for (const earlier of first) await ring.append(earlier);
        first = [];
        firstBytes = 0;
      }
    }
    let digests: Digests;
    if (ring !== null) {
      digests = await ring.finish();
    } else {
      const block = first.length === 1 ? (first[0] as Buffer) : Buffer.concat(first, firstBytes);
      digests = hashInline(block, sha256);
      void output.write(block, block.length, output.reserve(block.length));
      await output.drain();
    }
    if (options.expectedMd5Hex !== undefined && options.expectedMd5Hex !== digests.md5Hex) {
      throw new DigestMismatchError(options.expectedMd5Hex, digests.md5Hex);
    }
    await output.finish();
    await handle.close();
    return { path, size, md5Hex: digests.md5Hex, sha256Hex: digests.sha256Hex };
  } catch (error) {
    ring?.abandon();
    // A write still running must end before the descriptor closes (it could land in a reused one).
    await output.settle();
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

export async function discardReceivedFile(file: ReceivedFile): Promise<void> {
  await rm(file.path, { force: true });
}

/** A verified body: small ones stay in memory (`bytes`), larger ones are in a synced temp file. */
export type ReceivedBody =
  { kind: 'memory'; bytes: Buffer; size: number; md5Hex: string } | { kind: 'file'; file: ReceivedFile };

/**
 * Like receiveToTempFile, but a body that fits in one block is kept in memory, hashed and verified,
 * and never touches the disk here: the blob writer writes, syncs and renames it together with the
 * other uploads of its batch (group-commit.ts), saving the open/write/sync/close round trips through
 * the libuv pool that made up most of a small upload's cost. A larger body streams to a temp file as
 * before, the bytes read so far first.
 */
export async function receiveBody(
  source: AsyncIterable<Buffer>,
  options: ReceiveOptions,
): Promise<ReceivedBody> {
  const iterator = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    first.push(next.value);
    size += next.value.length;
    if (size > options.maxBytes) {
      await iterator.return?.();
      throw new BodyTooLargeError(options.maxBytes);
    }
    if (size >= BLOCK_BYTES) {
      const rest = (async function* (): AsyncGenerator<Buffer> {
        yield* first;
        for (;;) {
          const more = await iterator.next();
          if (more.done === true) return;
          yield more.value;
        }
      })();
      return { kind: 'file', file: await receiveToTempFile(rest, options) };
    }
  }
  const bytes = first.length === 1 ? (first[0] as Buffer) : Buffer.concat(first, size);
  const { md5Hex } = hashInline(bytes, false);
  if (options.expectedMd5Hex !== undefined && options.expectedMd5Hex !== md5Hex) {
    throw new DigestMismatchError(options.expectedMd5Hex, md5Hex);
  }
  return { kind: 'memory', bytes, size, md5Hex };
}
