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
  /**
   * When set, the MD5 of each `partBytes`-sized part of the file (the last may be shorter) is
   * computed in the same read as the whole file's: a file that goes up in parts (issue 19) is read
   * once for every digest its upload needs. The caller picks the size the upload will use.
   */
  partBytes?: number;
}

/** The MD5 of each part of a file, in order: part n covers bytes [(n-1)·partBytes, n·partBytes). */
export interface PartDigests {
  partBytes: number;
  md5s: string[];
}

export type HashResult =
  /**
   * `stat` is the file's stat before and after the read (they were equal); `bytes` is its size;
   * `body` the bytes hashed, when the request asked to keep a file of this size; `parts` the MD5 of
   * each part, when the request gave a part size.
   */
  | {
      status: 'hashed';
      md5: string;
      sha256: string | null;
      stat: StatKey;
      bytes: number;
      body?: Buffer;
      parts?: PartDigests;
    }
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
