import { createHash, type Hash } from 'node:crypto';
import type { PartDigests } from './hash-protocol.js';

/**
 * The MD5 of each fixed-size part of a stream of bytes, fed the same chunks as the whole file's MD5
 * (hash-file.ts): a chunk that straddles a part boundary is split there, so the parts need no read
 * of their own and no buffer beyond the chunk being hashed.
 */
export class PartHasher {
  private readonly md5s: string[] = [];
  private current: Hash = createHash('md5');
  /** Bytes of the current part hashed so far. */
  private filled = 0;

  constructor(private readonly partBytes: number) {
    if (!Number.isSafeInteger(partBytes) || partBytes < 1) {
      throw new RangeError(`A part size must be a positive integer, not ${partBytes}`);
    }
  }

  update(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partBytes - this.filled, chunk.length - offset);
      this.current.update(
        offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take),
      );
      this.filled += take;
      offset += take;
      if (this.filled === this.partBytes) this.endPart();
    }
  }

  /** The parts' MD5s; a last part shorter than the others counts, an empty one (nothing after a boundary) does not. */
  digest(): PartDigests {
    if (this.filled > 0) this.endPart();
    return { partBytes: this.partBytes, md5s: this.md5s };
  }

  private endPart(): void {
    this.md5s.push(this.current.digest('hex'));
    this.current = createHash('md5');
    this.filled = 0;
  }
}
