import { createHash, type Hash } from 'node:crypto';

export interface Digests {
  md5Hex: string;
  sha256Hex: string | null;
}

/** Hashes whole blocks in the order given; a block is lent to the hasher and handed back. */
export interface BlockHasher {
  update(block: ArrayBuffer, length: number): Promise<ArrayBuffer>;
  digest(): Promise<Digests>;
  dispose(): void;
}

/** The digests of a body small enough to be one block, hashed on the spot. */
export function hashInline(block: Uint8Array, sha256: boolean): Digests {
  return {
    md5Hex: createHash('md5').update(block).digest('hex'),
    sha256Hex: sha256 ? createHash('sha256').update(block).digest('hex') : null,
  };
}

/** Hashing on the event loop: the fallback where no hash thread can run. */
export class InlineHasher implements BlockHasher {
  private readonly md5: Hash = createHash('md5');
  private readonly sha256: Hash | null;

  constructor(sha256: boolean) {
    this.sha256 = sha256 ? createHash('sha256') : null;
  }

  update(block: ArrayBuffer, length: number): Promise<ArrayBuffer> {
    const view = new Uint8Array(block, 0, length);
    this.md5.update(view);
    this.sha256?.update(view);
    return Promise.resolve(block);
  }

  digest(): Promise<Digests> {
    return Promise.resolve({
      md5Hex: this.md5.digest('hex'),
      sha256Hex: this.sha256 ? this.sha256.digest('hex') : null,
    });
  }

  dispose(): void {}
}
