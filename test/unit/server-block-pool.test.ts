import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_BYTES, pooledBlockCount } from '../../electron/server/storage/block-ring.js';
import {
  DigestMismatchError,
  discardReceivedFile,
  receiveToTempFile,
} from '../../electron/server/storage/received-file.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

async function* chunksOf(data: Buffer): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += 64 * 1024)
    yield data.subarray(offset, offset + 64 * 1024);
}

describe("the server's large-body blocks", () => {
  it('are shared by successive uploads instead of allocated per upload, and carry no stale bytes', async () => {
    const dir = await makeTempDir();
    cleanups.push(dir.remove);
    const receive = async (data: Buffer, expected = md5(data)) =>
      receiveToTempFile(chunksOf(data), {
        tmpDir: dir.path,
        maxBytes: data.length,
        expectedMd5Hex: expected,
      });

    // Five blocks' worth: the ring holds at most four, so it reuses its own blocks too.
    const first = randomBytes(5 * BLOCK_BYTES + 100);
    const one = await receive(first);
    expect(await readFile(one.path)).toEqual(first);
    await discardReceivedFile(one);
    const pooled = pooledBlockCount();
    expect(pooled).toBeGreaterThan(0);

    // A shorter body through the reused blocks: its file has its bytes only, not the first one's tail.
    const second = randomBytes(2 * BLOCK_BYTES + 7);
    const two = await receive(second);
    expect(await readFile(two.path)).toEqual(second);
    await discardReceivedFile(two);
    expect(pooledBlockCount()).toBe(pooled);

    // A body refused by its MD5 gives its blocks back as well.
    await expect(receive(randomBytes(3 * BLOCK_BYTES), md5(second))).rejects.toBeInstanceOf(
      DigestMismatchError,
    );
    expect(pooledBlockCount()).toBe(pooled);
    // Generous: the hash thread starts from TypeScript sources under the test runner.
  }, 180_000);
});
