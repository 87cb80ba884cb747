import { describe, expect, it } from 'vitest';
import { choosePartSize } from '../../electron/engine/upload/multipart-uploader.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const S3 = { minPartBytes: 5 * MiB, maxPartBytes: 5 * GiB, maxParts: 10_000 };

describe('the part size of an upload in parts', () => {
  it('is 8 MiB for files that need no more than 10,000 such parts', () => {
    expect(choosePartSize(100 * MiB, S3)).toBe(8 * MiB);
    expect(choosePartSize(10_000 * 8 * MiB, S3)).toBe(8 * MiB);
  });

  it('grows so that a larger file stays within 10,000 parts', () => {
    for (const size of [10_000 * 8 * MiB + 1, 100 * GiB, 1024 * GiB, 5 * 1024 ** 4]) {
      const partSize = choosePartSize(size, S3);
      expect(Math.ceil(size / partSize)).toBeLessThanOrEqual(10_000);
      expect(partSize).toBeLessThanOrEqual(S3.maxPartBytes);
    }
  });

  it('keeps a smaller preferred size where the remote allows it (a test server)', () => {
    expect(choosePartSize(10_340, { ...S3, minPartBytes: 1024 }, 1024)).toBe(1024);
  });
});
