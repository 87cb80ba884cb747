import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { sameStat, type StatKey } from '../state/local-files.js';
import type { HashRequest, HashResult } from './hash-protocol.js';
import { PartHasher } from './part-hasher.js';

/**
 * Bytes per read, into one buffer per worker. Throughput is flat from 256 KiB to 2 MiB (~105% of
 * `md5sum` in a worker on a warm 256 MiB file, Node 20), but the CPU is not: the kernel's copy from
 * the page cache into a buffer larger than the CPU's cache costs several times more. MD5 of a warm
 * 1 GiB file on this 2-core VM (Node 24, `readSync` + `update`, CPU of the process): 1 MiB reads
 * 1.55-1.65 s user + 0.64 s system; 32, 128 and 256 KiB reads 1.60-1.68 s + 0.10-0.14 s, like
 * `md5sum`'s 1.70 + 0.12 s. 256 KiB: the fewest calls among the cheap sizes. test/bench/hash.bench.ts
 * checks the throughput against `md5sum` on 1 GiB.
 */
export const READ_SIZE = 256 * 1024;

/**
 * O_NONBLOCK so that opening a FIFO returns at once instead of blocking the worker until a writer
 * appears; it is then refused as "not a regular file". It changes nothing for regular files.
 * (Windows has no O_NONBLOCK and no FIFOs on the file system.)
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Hashes one file synchronously, streaming it through `buffer`. Runs only inside hash-worker.ts —
 * never on the engine's thread. Every file-system error becomes a result; anything else (a bug)
 * is thrown so that the worker dies loudly and the pool reports it.
 *
 * Change detection: the file is stat'ed through its descriptor before the read and through its path
 * after it; device, inode, size and mtime must all agree (and the bytes read must equal the size),
 * otherwise the hash describes no version of the file and is dropped. The path stat catches a file
 * replaced by a rename while we read the old inode; when it names the same inode it is that inode's
 * current stat, so a second fstat of the descriptor would tell nothing more (it was one system call
 * per file for nothing). A same-size rewrite within the file system's timestamp granularity cannot
 * be seen by any stat-based check.
 *
 * A file of at most `request.keepBodyUpTo` bytes is read into a buffer of its own (one read, one
 * hash update) that comes back as `result.body`: the upload sends those very bytes.
 *
 * With `request.partBytes`, each chunk also goes to the MD5 of the part it falls in (part-hasher.ts):
 * a file uploaded in parts gets its whole MD5 and its parts' MD5s from this one read.
 */
export function hashFileSync(
  request: HashRequest,
  buffer: Buffer,
): { result: HashResult; bytesRead: number } {
  const { absolutePath } = request;
  let fd: number;
  try {
    fd = openSync(absolutePath, OPEN_FLAGS);
  } catch (error) {
    return { result: failure(error, absolutePath), bytesRead: 0 };
  }
  let bytesRead = 0;
  try {
    const before = fstatSync(fd);
    if (!before.isFile()) return { result: notAFile(before, absolutePath), bytesRead };
    const stat = statKey(before);
    if (request.expected !== undefined && !sameStat(stat, request.expected)) {
      return { result: { status: 'changed' }, bytesRead };
    }

    const md5 = createHash('md5');
    const sha256 = request.sha256 ? createHash('sha256') : null;
    const parts = request.partBytes !== undefined ? new PartHasher(request.partBytes) : null;
    const body = stat.size <= (request.keepBodyUpTo ?? 0) ? Buffer.allocUnsafeSlow(stat.size) : null;
    // Reads exactly the size seen before; growth shows in the stat after, shrinking as a short read.
    // (No read to EOF: that would cost every file one more system call.)
    while (bytesRead < stat.size) {
      if (body !== null) {
        const n = readSync(fd, body, bytesRead, stat.size - bytesRead, bytesRead);
        if (n === 0) break;
        bytesRead += n;
        continue;
      }
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, stat.size - bytesRead), bytesRead);
      if (n === 0) break;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      md5.update(chunk);
      sha256?.update(chunk);
      parts?.update(chunk);
      bytesRead += n;
    }
    if (body !== null) {
      md5.update(body.subarray(0, bytesRead));
      sha256?.update(body.subarray(0, bytesRead));
      parts?.update(body.subarray(0, bytesRead));
    }

    const atPath = statSync(absolutePath);
    if (bytesRead !== stat.size || !sameFile(before, atPath)) {
      return { result: { status: 'changed' }, bytesRead };
    }
    return {
      result: {
        status: 'hashed',
        md5: md5.digest('hex'),
        sha256: sha256 === null ? null : sha256.digest('hex'),
        stat,
        bytes: bytesRead,
        ...(body !== null ? { body } : {}),
        ...(parts !== null ? { parts: parts.digest() } : {}),
      },
      bytesRead,
    };
  } catch (error) {
    return { result: failure(error, absolutePath), bytesRead };
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing was written through this descriptor, so a failing close loses nothing.
    }
  }
}

function statKey(stats: Stats): StatKey {
  return { size: stats.size, mtimeMs: stats.mtimeMs, inode: stats.ino };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function notAFile(stats: Stats, path: string): HashResult {
  const code = stats.isDirectory() ? 'EISDIR' : 'ENOTREG';
  return { status: 'unreadable', code, message: unreadableMessage(path, code) };
}

function failure(error: unknown, path: string): HashResult {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') throw error;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
  return { status: 'unreadable', code, message: unreadableMessage(path, code, error) };
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTREG: 'it is not a regular file (a pipe, socket or device)',
  ENXIO: 'it is not a regular file (a socket or a device that is not there)',
  EBUSY: 'the file is locked by another program',
  EIO: 'the disk reported an input/output error',
  ELOOP: 'it is a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
};

function unreadableMessage(path: string, code: string, error?: unknown): string {
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : 'unknown error');
  return `Cannot read "${path}": ${reason} (${code}).`;
}
