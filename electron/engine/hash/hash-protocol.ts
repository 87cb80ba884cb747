import type { StatKey } from '../state/local-files.js';

/** One file to hash. */
export interface HashRequest {
  absolutePath: string;
  /** Also compute SHA-256 (in the same pass) — only for providers that need it. */
  sha256: boolean;
  /** When given, a file whose stat differs is reported as changed without hashing. */
  expected?: StatKey;
  /**
   * When the file is at most this many bytes, the bytes that were hashed come back as `body` (read
   * once, into a buffer of their own), so the upload sends exactly them without reading the file
   * again. Unset or 0: nothing is kept.
   */
  keepBodyUpTo?: number;
}

export type HashResult =
  /**
   * `stat` is the file's stat before and after the read (they were equal); `bytes` is its size;
   * `body` the bytes hashed, when the request asked to keep a file of this size.
   */
  | { status: 'hashed'; md5: string; sha256: string | null; stat: StatKey; bytes: number; body?: Buffer }
  /** The file changed while it was read (stat before != after, or != expected): the hash is dropped. */
  | { status: 'changed' }
  /** ENOENT (gone before or while hashing), or a folder on the path is gone (ENOTDIR). */
  | { status: 'missing' }
  /** EACCES, EISDIR, EIO...: `message` names the file and says what is wrong in plain words. */
  | { status: 'unreadable'; code: string; message: string };

/** Pool → worker. */
export interface HashJobMessage {
  id: number;
  request: HashRequest;
}

/** Worker → pool. `bytesRead` counts every byte hashed, also when the result is `changed`. */
export interface HashReplyMessage {
  id: number;
  result: HashResult;
  bytesRead: number;
}
