/**
 * The messages between an upload and the server's hash thread. Sessions are independent uploads
 * sharing the one thread; blocks travel both ways as transferred ArrayBuffers (moved, never copied).
 */
export type ToHashThread =
  | { op: 'open'; id: number; sha256: boolean }
  | { op: 'update'; id: number; block: ArrayBuffer; length: number }
  | { op: 'digest'; id: number }
  | { op: 'drop'; id: number };

export type FromHashThread =
  /** Sent once the worker's module has loaded: until then, a failure means it cannot run at all. */
  | { op: 'ready' }
  | { op: 'updated'; id: number; block: ArrayBuffer }
  | { op: 'digest'; id: number; md5Hex: string; sha256Hex: string | null };
