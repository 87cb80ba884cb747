import type { StatKey } from '../state/local-files.js';

/**
 * Files at most this large are sent as one buffer, the very bytes their hash was computed from (one
 * read of the file instead of two, and no read stream on the way out: issue 18 measured 240–330 µs
 * per file sent that way against 720–910 µs streamed). 1 MiB: the read size of the hasher and of a
 * streamed body, so a held file costs no more memory than one chunk of a large one.
 */
export const SMALL_BODY_BYTES = 1024 * 1024;

/** The bytes of one hashed file, with the stat and MD5 recorded for them. */
export interface HeldBody {
  md5: string;
  stat: StatKey;
  bytes: Buffer;
}

/**
 * The bodies of small hashed files, held from their hash until their upload has sent them, within a
 * budget of bytes (the pipeline gives it `concurrency` × SMALL_BODY_BYTES). A body counts against the
 * budget from `keep` until `release`: waiting in here, and while its upload is under way. What does
 * not fit is not kept; its upload reads the file again, as every upload did before.
 */
export class HeldBodies {
  private readonly waiting = new Map<string, HeldBody>();
  private heldBytes = 0;
  /** Room promised to hashes under way (`reserve`), so that several started at once all fit. */
  private reservedBytes = 0;

  constructor(readonly budgetBytes: number) {}

  /** Bytes held now, waiting or being sent. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Whether a body of `size` bytes would fit now, beside what is held and what is reserved. */
  hasRoom(size: number): boolean {
    return this.heldBytes + this.reservedBytes + size <= this.budgetBytes;
  }

  /**
   * Promises room for a body of `size` while its file is hashed; give it back with `unreserve` once
   * the hash is over (kept or not). Without it, the hashes started while there was room for one
   * each found it taken by the first to finish: 856 of 3,000 small files were read twice.
   */
  reserve(size: number): void {
    this.reservedBytes += size;
  }

  unreserve(size: number): void {
    this.reservedBytes -= size;
  }

  /**
   * Holds the body hashed for `path`, replacing an older one of the same path (the file was hashed
   * again). False when it does not fit the budget: then nothing is held for the path.
   */
  keep(path: string, body: HeldBody): boolean {
    this.drop(path);
    // Held bytes only: the hash keeping this body is what reserved room for it.
    if (this.heldBytes + body.bytes.length > this.budgetBytes) return false;
    this.waiting.set(path, body);
    this.heldBytes += body.bytes.length;
    return true;
  }

  /**
   * The body held for `path`, handed to its upload: it leaves the waiting list but stays counted
   * until `release(body)`, when the upload is over.
   */
  take(path: string): HeldBody | undefined {
    const body = this.waiting.get(path);
    if (body !== undefined) this.waiting.delete(path);
    return body;
  }

  /** A body taken by `take` is no longer used. */
  release(body: HeldBody): void {
    this.heldBytes -= body.bytes.length;
  }

  /** Forgets the body waiting for `path`, if any. */
  drop(path: string): void {
    const body = this.take(path);
    if (body !== undefined) this.release(body);
  }

  /** Forgets the waiting bodies whose file `stillQueued` no longer says is waiting for an upload. */
  dropUnless(stillQueued: (path: string, body: HeldBody) => boolean): void {
    for (const [path, body] of [...this.waiting]) if (!stillQueued(path, body)) this.drop(path);
  }

  /** Forgets every waiting body (the run is over; a body being sent is released by its upload). */
  clear(): void {
    for (const path of [...this.waiting.keys()]) this.drop(path);
  }
}
