import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_SIZE } from '../../electron/engine/hash/hash-file.js';
import { HasherPool, type HashResult } from '../../electron/engine/hash/hasher-pool.js';
import { makeTempDir } from '../support/temp-dir.js';

const MiB = 1024 * 1024;

let dir: { path: string; remove: () => Promise<void> };
let pool: HasherPool;

beforeAll(async () => {
  dir = await makeTempDir('hoist-hash-parts-');
  pool = new HasherPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
  await dir.remove();
});

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** Each part's MD5 computed on its own slice of the bytes: the independent answer. */
function slicedMd5s(content: Buffer, partBytes: number): string[] {
  const md5s: string[] = [];
  for (let start = 0; start < content.length; start += partBytes) {
    md5s.push(md5(content.subarray(start, start + partBytes)));
  }
  return md5s;
}

function hashed(result: HashResult): Extract<HashResult, { status: 'hashed' }> {
  if (result.status !== 'hashed') throw new Error(`expected a hash, got ${JSON.stringify(result)}`);
  return result;
}

/**
 * Issue 19: a file that goes up in parts gets its parts' MD5s from the hasher's one read of it, in
 * the worker, beside the whole file's MD5.
 */
describe('the hasher computes part MD5s in its read of the whole file', () => {
  it.each([
    // Part boundaries inside the hasher's reads, the last part short.
    ['parts not aligned with the reads', 3 * MiB + 12_345, MiB + 7],
    // Parts of several reads each, the file a whole number of parts.
    ['parts of several reads', 4 * READ_SIZE * 3, 4 * READ_SIZE],
    // A part larger than the file: one part, the whole file.
    ['one part', 2 * MiB + 1, 8 * MiB],
  ])('%s: each part’s MD5 matches its slice', async (_name, size, partBytes) => {
    const content = randomBytes(size);
    const path = join(dir.path, `file-${size}-${partBytes}.bin`);
    writeFileSync(path, content);
    const before = pool.stats.bytesHashed;

    const result = hashed(await pool.hash({ absolutePath: path, sha256: true, partBytes }));

    expect(result.md5).toBe(md5(content));
    expect(result.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(result.parts).toEqual({ partBytes, md5s: slicedMd5s(content, partBytes) });
    // One read for all of them.
    expect(pool.stats.bytesHashed - before).toBe(size);
  });

  it('computes them over a small file’s kept body too', async () => {
    const content = randomBytes(300_000);
    const path = join(dir.path, 'kept.bin');
    writeFileSync(path, content);

    const result = hashed(
      await pool.hash({ absolutePath: path, sha256: false, keepBodyUpTo: 1 * MiB, partBytes: 100_000 }),
    );

    expect(result.body?.equals(content)).toBe(true);
    expect(result.parts?.md5s).toEqual(slicedMd5s(content, 100_000));
  });

  it('returns no parts unless asked', async () => {
    const path = join(dir.path, 'plain.bin');
    writeFileSync(path, randomBytes(200_000));

    const result = hashed(await pool.hash({ absolutePath: path, sha256: false }));

    expect(result.parts).toBeUndefined();
  });
});
