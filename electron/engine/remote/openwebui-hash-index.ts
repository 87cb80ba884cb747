export const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Which Open WebUI file ids hold which bytes, by SHA-256: what Hoist dedupes against, since the remote
 * itself never does. Filled from a listing (the `meta.file_hash` of each file) and kept up to date
 * with what the provider uploads and deletes.
 *
 * It is the one part of a listing held in memory, so it is kept small: a hash is stored as its 32
 * raw bytes in a one-byte string (not 64 hex characters), and a hash held by one id (nearly all) maps
 * to that id alone, not to a set: about 180 bytes a file instead of 360 (measured with 200,000).
 */
export class HashIndex {
  private readonly hashById = new Map<string, string>();
  private readonly idsByHash = new Map<string, string | string[]>();

  /** An id whose bytes have this SHA-256, if one is known. */
  idOf(sha256: string): string | undefined {
    if (!SHA256_HEX.test(sha256)) return undefined;
    const ids = this.idsByHash.get(compact(sha256));
    return typeof ids === 'string' ? ids : ids?.[0];
  }

  /** `id` holds the bytes of `sha256`; a value that is no SHA-256 is ignored. */
  remember(id: string, sha256: string): void {
    if (!SHA256_HEX.test(sha256)) return;
    this.forget(id);
    const hash = compact(sha256);
    this.hashById.set(id, hash);
    const ids = this.idsByHash.get(hash);
    if (ids === undefined) this.idsByHash.set(hash, id);
    else if (typeof ids === 'string') this.idsByHash.set(hash, [ids, id]);
    else ids.push(id);
  }

  forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    const ids = this.idsByHash.get(hash);
    if (typeof ids === 'string' || ids === undefined) {
      this.idsByHash.delete(hash);
      return;
    }
    const rest = ids.filter((other) => other !== id);
    this.idsByHash.set(hash, rest.length === 1 ? (rest[0] as string) : rest);
  }
}

/** A SHA-256 in hex as its 32 bytes, one character each (latin1): half the memory of the hex. */
function compact(sha256: string): string {
  return Buffer.from(sha256, 'hex').toString('latin1');
}
