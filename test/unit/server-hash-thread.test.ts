import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { InlineHasher } from '../../electron/server/storage/block-hasher.js';
import { BLOCK_BYTES } from '../../electron/server/storage/block-ring.js';
import { startHasher } from '../../electron/server/storage/hash-thread.js';
import { discardReceivedFile, receiveToTempFile } from '../../electron/server/storage/received-file.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const digest = (algorithm: string, data: Uint8Array): string =>
  createHash(algorithm).update(data).digest('hex');

describe("the reference server's hash thread", () => {
  it('runs as its own typed module and hashes lent blocks, handing each back whole', async () => {
    const hasher = startHasher(true);
    // The worker module started (not the event-loop fallback for hosts without threads).
    expect(hasher).not.toBeInstanceOf(InlineHasher);
    const data = randomBytes(2 * BLOCK_BYTES + 1234);
    for (let offset = 0; offset < data.length; offset += BLOCK_BYTES) {
      const length = Math.min(BLOCK_BYTES, data.length - offset);
      const block = new ArrayBuffer(BLOCK_BYTES);
      new Uint8Array(block).set(data.subarray(offset, offset + length));
      const returned = await hasher.update(block, length);
      // Transferred to the thread and back: the original is detached, the returned one is whole.
      expect(block.byteLength).toBe(0);
      expect(returned.byteLength).toBe(BLOCK_BYTES);
    }
    expect(await hasher.digest()).toEqual({ md5Hex: digest('md5', data), sha256Hex: digest('sha256', data) });
  });

  it('keeps sessions apart and forgets a dropped one', async () => {
    const kept = startHasher(false);
    const dropped = startHasher(false);
    const a = Buffer.alloc(1000, 1);
    await dropped.update(new Uint8Array(a).buffer, a.length);
    dropped.dispose();
    const b = Buffer.alloc(500, 2);
    await kept.update(new Uint8Array(b).buffer, b.length);
    expect(await kept.digest()).toEqual({ md5Hex: digest('md5', b), sha256Hex: null });
  });

  it('verifies a body larger than a block on its way to a temp file', async () => {
    const dir = await makeTempDir();
    cleanups.push(dir.remove);
    const data = randomBytes(3 * BLOCK_BYTES + 77);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < data.length; offset += 64 * 1024)
        yield data.subarray(offset, offset + 64 * 1024);
    }
    const received = await receiveToTempFile(chunks(), {
      tmpDir: dir.path,
      maxBytes: data.length,
      expectedMd5Hex: digest('md5', data),
      sha256: true,
    });
    expect(received).toMatchObject({ size: data.length, sha256Hex: digest('sha256', data) });
    expect((await readFile(received.path)).equals(data)).toBe(true);
    await discardReceivedFile(received);
  });
});
