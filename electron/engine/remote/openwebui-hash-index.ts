export const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Which Open WebUI file ids hold which bytes, by SHA-256 (lower-case hex): what Hoist dedupes against,
 * since the remote itself never does. Filled from a listing (the `meta.file_hash` of each file) and
 * kept up to date with what the provider uploads and deletes.
 */
export class HashIndex {
  private readonly hashById = new Map<string, string>();
  private readonly idsByHash = new Map<string, Set<string>>();

  /** An id whose bytes have this SHA-256, if one is known. */
  idOf(sha256: string): string | undefined {
    return this.idsByHash.get(sha256.toLowerCase())?.values().next().value;
  }

  /** `id` holds the bytes of `sha256`; a value that is no SHA-256 is ignored. */
  remember(id: string, sha256: string): void {
    const hash = sha256.toLowerCase();
    if (!SHA256_HEX.test(hash)) return;
    this.hashById.set(id, hash);
    let ids = this.idsByHash.get(hash);
    if (!ids) this.idsByHash.set(hash, (ids = new Set()));
    ids.add(id);
  }

  forget(id: string): void {
    const hash = this.hashById.get(id);
    if (hash === undefined) return;
    this.hashById.delete(id);
    const ids = this.idsByHash.get(hash);
    ids?.delete(id);
    if (ids?.size === 0) this.idsByHash.delete(hash);
  }
}
