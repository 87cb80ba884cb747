// Past 300 lines: one walk (its queue of directories and files, taken synchronously while the
// calls are cache hits and through libuv's pool once they are not) with the error handling that
// keeps one unreadable entry from failing it. Where it starts and its errors' words: walk-start.ts.
import { lstat, lstatSync, readdir, readdirSync, type Dirent, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { decodeFileName, hasUndecodableBytes } from '../../../shared/file-name-bytes.js';
import { systemClock, type Clock } from '../../base/clock.js';
import type { StatKey } from '../state/local-files.js';
import type { IgnoreRules } from './ignore-rules.js';
import {
  assertFolder,
  folderError,
  invalidNameError,
  onNetworkFileSystem,
  resolveUnder,
} from './walk-start.js';

export { invalidNameError } from './walk-start.js';

export interface WalkedFile {
  /** Relative to the folder, '/'-separated, exactly as the file system spells it (never normalized). */
  path: string;
  stat: StatKey;
}

export interface WalkOptions {
  /**
   * A directory or file that could not be read, relative ('' never: the folder itself throws).
   * The walk goes on. Files below an unreadable directory are unknown, not deleted.
   */
  onError?: (relativePath: string, error: NodeJS.ErrnoException) => void;
  /**
   * A folder entry that is deliberately not synced: a symbolic link (never followed) or a special
   * file (FIFO, socket, device) with no content to upload. Ignored entries are not reported.
   */
  onSkipped?: (relativePath: string, what: 'symlink' | 'special') => void;
  /** File system calls in flight at once, once the walk uses libuv's pool (see Walk). */
  concurrency?: number;
  /**
   * The mean duration of a file system call, in µs, past which the walk leaves synchronous calls for
   * libuv's pool (see Walk). 0 uses the pool from the start; Infinity never does.
   */
  slowCallMicros?: number;
  /**
   * Walk only this relative path (a directory's subtree, or one file), as the watcher does for a
   * directory that appeared. Paths in the result stay relative to the folder. A path that does
   * not exist, is ignored or lies below a symlink gives an empty result.
   */
  under?: string;
  /** Waits before retrying a directory read when out of file handles. Default the system clock. */
  clock?: Clock;
}

// On the 2-core dev VM, 16, 32 and 64 calls in flight measured alike (100,000 files in 1.5-2.8 s
// with the machine otherwise busy); 32 keeps libuv's 4 threads fed without queuing much more.
const DEFAULT_CONCURRENCY = 32;
// Too many open files is usually someone else's burst; back off briefly before calling a
// directory unreadable.
const RETRIES_WHEN_OUT_OF_FILES = 5;
const RETRY_DELAY_MS = 50;
// A call answered from the kernel's caches (dentries, inodes) takes 2-10 µs; one that waits for a
// disk or a network file system takes 100 µs to milliseconds, and those want many in flight.
const SLOW_CALL_MICROS = 50;
// The synchronous calls run in slices this long, then yield to the event loop (the watcher, the UI
// host, uploads), checking the clock every few calls.
const SLICE_MS = 8;
const CALLS_PER_CLOCK_CHECK = 32;

/**
 * Lists the regular files of a folder with their stat key, leaving out what the rules ignore
 * (ignored directories are not even read). The result is in no particular order.
 *
 * Symlinks are skipped, not followed: following one can lead out of the folder (uploading files the
 * user never put in it) or into a loop, and a link's target already syncs where it really lives
 * when that is inside the folder. Sockets, FIFOs and devices have no content to upload.
 *
 * One unreadable file or directory is reported through `onError` and never fails the walk; a
 * missing or unreadable folder does throw (reason `folder-missing` or `folder-unreadable`),
 * because an empty result would look like every file was deleted.
 */
export async function walkFolder(
  root: string,
  rules: Pick<IgnoreRules, 'ignores'>,
  options: WalkOptions = {},
): Promise<WalkedFile[]> {
  const absoluteRoot = resolve(root);
  await assertFolder(absoluteRoot);
  const pooledOnly = options.slowCallMicros === undefined && (await onNetworkFileSystem(absoluteRoot));
  const walk = new Walk(absoluteRoot, rules, pooledOnly ? { ...options, slowCallMicros: 0 } : options);
  if (options.under === undefined || options.under === '') return walk.run('');
  const start = await resolveUnder(absoluteRoot, options.under, rules);
  if (start === null) return [];
  if (start.file) return [{ path: options.under, stat: statKey(start.file) }];
  return walk.run(options.under);
}

function statKey(stats: Stats): StatKey {
  return { size: stats.size, mtimeMs: stats.mtimeMs, inode: stats.ino };
}

/**
 * One walk, in one of two ways, through the same queues of directories and files.
 *
 * While the kernel answers from its caches (the usual case: a folder walked before, or just written),
 * calls are made synchronously, in slices of SLICE_MS between which the event loop runs. A call
 * through libuv's pool costs ~3× the CPU of the call itself (a request object, a futex wake of a pool
 * thread, the completion back through the event loop): 100,000 files walked took 1.2-1.4 s of CPU
 * that way against 0.7 s synchronously (docs/benchmarks.md).
 *
 * Once the calls are slow (mean past `slowCallMicros`: a cold disk, a network file system), the rest
 * of the walk goes through the pool with `concurrency` calls in flight, where waiting on one does not
 * hold up the others, nor the event loop. A folder on a network file system (walk-start.ts) is walked
 * through the pool from its first call: one call there can hang for as long as its server is gone.
 */
class Walk {
  private readonly prefix: string;
  private readonly limit: number;
  private readonly slowCallMicros: number;
  private readonly files: WalkedFile[] = [];
  private readonly dirs: string[] = [];
  private readonly pendingFiles: string[] = [];
  private nextFile = 0;
  private active = 0;
  private pooled = false;
  /** Entries taken in synchronously so far: one per file stat'ed, one per name a directory held. */
  private units = 0;
  private start = '';
  private finish: (files: WalkedFile[]) => void = () => {};
  private fail: (error: unknown) => void = () => {};
  private settled = false;

  constructor(
    root: string,
    private readonly rules: Pick<IgnoreRules, 'ignores'>,
    private readonly options: WalkOptions,
  ) {
    this.prefix = root.endsWith(sep) ? root : root + sep;
    this.limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.slowCallMicros = options.slowCallMicros ?? SLOW_CALL_MICROS;
    this.pooled = this.slowCallMicros <= 0;
  }

  run(start: string): Promise<WalkedFile[]> {
    this.start = start;
    return new Promise<WalkedFile[]>((resolvePromise, rejectPromise) => {
      this.finish = resolvePromise;
      this.fail = rejectPromise;
      this.dirs.push(start);
      this.pump();
    });
  }

  private pump(): void {
    if (this.pooled) this.pumpPooled();
    else this.slice();
  }

  /** Synchronous calls for up to SLICE_MS, then a yield; switches to the pool when they are slow. */
  private slice(): void {
    const began = performance.now();
    const unitsBefore = this.units;
    let calls = 0;
    while (!this.settled) {
      // Files first: each directory's files are taken before the next directory grows the queue.
      if (this.nextFile < this.pendingFiles.length) this.statFileNow(this.pendingFiles[this.nextFile++]!);
      else {
        this.compactFiles();
        const dir = this.dirs.pop();
        if (dir === undefined) break;
        if (!this.readDirNow(dir, 0)) return;
      }
      if (++calls % CALLS_PER_CLOCK_CHECK !== 0) continue;
      const elapsed = performance.now() - began;
      // Per entry taken in, not per call: reading a directory of 20,000 names is one slow-looking
      // call that the cache answered.
      if ((elapsed * 1000) / Math.max(1, this.units - unitsBefore) > this.slowCallMicros) {
        this.pooled = true;
        this.pumpPooled();
        return;
      }
      if (elapsed >= SLICE_MS) {
        setImmediate(() => this.slice());
        return;
      }
    }
    this.settleIfDone();
  }

  private pumpPooled(): void {
    if (this.settled) return;
    while (this.active < this.limit) {
      // Directories first: each read feeds the pool with many stats.
      const dir = this.dirs.pop();
      if (dir !== undefined) this.readDir(dir, 0);
      else if (this.nextFile < this.pendingFiles.length) this.statFile(this.pendingFiles[this.nextFile++]!);
      else break;
    }
    this.compactFiles();
    this.settleIfDone();
  }

  private compactFiles(): void {
    if (this.nextFile === this.pendingFiles.length && this.nextFile > 0) {
      this.pendingFiles.length = 0;
      this.nextFile = 0;
    }
  }

  private settleIfDone(): void {
    if (this.settled) return;
    if (this.active === 0 && this.dirs.length === 0 && this.nextFile === this.pendingFiles.length) {
      this.settled = true;
      this.finish(this.files);
    }
  }

  /** Reads a directory synchronously; false when the walk must wait (a retry, or it failed). */
  private readDirNow(dir: string, attempt: number): boolean {
    let entries: Dirent[];
    try {
      entries = readdirSync(this.absolute(dir), { withFileTypes: true });
    } catch (error) {
      return this.readDirFailed(dir, attempt, error as NodeJS.ErrnoException);
    }
    this.units += 1 + entries.length;
    if (entries.some((entry) => entry.name.includes('\uFFFD'))) this.readDirBytesNow(dir);
    else this.addEntries(dir, entries);
    return true;
  }

  private readDir(dir: string, attempt: number): void {
    this.active++;
    readdir(this.absolute(dir), { withFileTypes: true }, (error, entries) => {
      this.active--;
      if (error) {
        if (!this.readDirFailed(dir, attempt, error)) return;
      } else if (entries.some((entry) => entry.name.includes('\uFFFD'))) this.readDirBytes(dir);
      else this.addEntries(dir, entries);
      this.pump();
    });
  }

  /**
   * A directory that could not be read: retried later when out of file handles, reported otherwise.
   * False when the walk must not go on from here now (a retry is waiting, or the walk failed).
   */
  private readDirFailed(dir: string, attempt: number, error: NodeJS.ErrnoException): boolean {
    const code = error.code;
    if ((code === 'EMFILE' || code === 'ENFILE') && attempt < RETRIES_WHEN_OUT_OF_FILES) {
      // Counted as active, so the walk cannot finish while the retry waits.
      this.active++;
      (this.options.clock ?? systemClock).setTimeout(
        () => {
          this.active--;
          if (this.pooled) this.readDir(dir, attempt + 1);
          else if (this.readDirNow(dir, attempt + 1)) this.pump();
        },
        RETRY_DELAY_MS * (attempt + 1),
      );
      return false;
    }
    if (dir === '' && this.start === '') {
      this.settled = true;
      this.fail(folderError(this.prefix.slice(0, -1), error));
      return false;
    }
    // Gone since its parent was read: its files are gone too, which is the truth.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') this.report(dir, error);
    return true;
  }

  private addEntries(dir: string, entries: Dirent[]): void {
    const base = dir === '' ? '' : `${dir}/`;
    for (const entry of entries) this.addEntry(base + entry.name, entry);
  }

  private addEntry(path: string, entry: Dirent | Dirent<Buffer>): void {
    // The dirent's type spares an lstat per directory and per symlink; files are lstat'ed anyway.
    if (entry.isFile()) {
      if (!this.rules.ignores(path, false)) this.pendingFiles.push(path);
    } else if (entry.isDirectory()) {
      if (!this.rules.ignores(path, true)) this.dirs.push(path);
    } else if (!this.rules.ignores(path, false)) {
      // Symlinks, sockets, FIFOs and devices are not synced (see walkFolder), but said so.
      this.options.onSkipped?.(path, entry.isSymbolicLink() ? 'symlink' : 'special');
    }
  }

  /**
   * A name shown with U+FFFD may be real or may be bytes that are not UTF-8, which Node decoded
   * lossily: such a file cannot be opened by its string name, nor named on the remote. Re-read the
   * directory as bytes to tell them apart, and report the undecodable ones.
   */
  private readDirBytes(dir: string): void {
    this.active++;
    readdir(this.absolute(dir), { withFileTypes: true, encoding: 'buffer' }, (error, entries) => {
      this.active--;
      this.addEntriesAsBytes(dir, error, entries);
      this.pump();
    });
  }

  private readDirBytesNow(dir: string): void {
    let entries: Dirent<Buffer>[] = [];
    let failure: NodeJS.ErrnoException | null = null;
    try {
      entries = readdirSync(this.absolute(dir), { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      failure = error as NodeJS.ErrnoException;
    }
    this.addEntriesAsBytes(dir, failure, entries);
  }

  private addEntriesAsBytes(
    dir: string,
    error: NodeJS.ErrnoException | null,
    entries: Dirent<Buffer>[],
  ): void {
    if (error) {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') this.report(dir, error);
      return;
    }
    const base = dir === '' ? '' : `${dir}/`;
    for (const entry of entries) {
      const name = decodeFileName(entry.name);
      if (hasUndecodableBytes(name)) {
        if (!this.rules.ignores(base + name, entry.isDirectory())) {
          this.report(base + name, invalidNameError(base + name));
        }
        continue;
      }
      this.addEntry(base + name, entry);
    }
  }

  private statFileNow(path: string): void {
    this.units++;
    let stats: Stats | undefined;
    try {
      // lstat, not stat: a file swapped for a symlink since readdir must not be followed.
      stats = lstatSync(this.absolute(path), { throwIfNoEntry: false });
    } catch (error) {
      this.statFailed(path, error as NodeJS.ErrnoException);
      return;
    }
    if (stats?.isFile()) this.addFile(path, stats);
  }

  private statFile(path: string): void {
    this.active++;
    // lstat, not stat: a file swapped for a symlink since readdir must not be followed.
    lstat(this.absolute(path), (error, stats) => {
      this.active--;
      if (error) this.statFailed(path, error);
      else if (stats.isFile()) this.addFile(path, stats);
      this.pump();
    });
  }

  private addFile(path: string, stats: Stats): void {
    this.files.push({ path, stat: { size: stats.size, mtimeMs: stats.mtimeMs, inode: stats.ino } });
  }

  private statFailed(path: string, error: NodeJS.ErrnoException): void {
    if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') this.report(path, error);
  }

  private absolute(path: string): string {
    return path === '' ? this.prefix : this.prefix + path;
  }

  private report(path: string, error: NodeJS.ErrnoException): void {
    try {
      this.options.onError?.(path, error);
    } catch (callbackError) {
      this.settled = true;
      this.fail(callbackError);
    }
  }
}
