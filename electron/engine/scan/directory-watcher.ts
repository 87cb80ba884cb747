// ~400 lines, one class: the tree of watched directories and the walk that grows it change
// together on every event, so they stay together.
import { EventEmitter } from 'node:events';
import { lstatSync, readdir, lstat, watch as fsWatch, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { systemClock, type Clock, type Timer } from '../../base/clock.js';
import type { WatcherLike } from './watcher-like.js';

/** fs.watch as used here; a test injects one that fails. */
export type WatchFunction = (
  path: string,
  options: { persistent: boolean; recursive?: boolean },
  listener: (event: string, filename: string | null) => void,
) => FSWatcher;

export interface DirectoryWatcherOptions {
  /**
   * Asked with each directory's absolute path (`isDirectory` is always true: files are never asked
   * about, nor looked at) before it is watched or read. True leaves it and everything below unwatched.
   */
  ignored?: (path: string, isDirectory: boolean) => boolean;
  /** Directory reads in flight at once while walking. Default 8. */
  concurrency?: number;
  /**
   * One recursive fs.watch of the root instead of one watch per directory. Default: on macOS and
   * Windows, where Node's recursive watch is native (FSEvents, ReadDirectoryChangesW); on Linux it
   * is emulated in JavaScript with a watch and a stat per file, exactly what this class avoids.
   */
  recursive?: boolean;
  /** Default fs.watch. */
  watch?: WatchFunction;
  /** Waits before retrying a directory read when out of file handles. Default the system clock. */
  clock?: Clock;
}

const DEFAULT_CONCURRENCY = 8;
// Only on Windows is a backslash a separator; elsewhere it is a legal character in a name.
const SEPARATORS = process.platform === 'win32' ? /[\\/]/ : '/';
const RETRIES_WHEN_OUT_OF_FILES = 5;
const RETRY_DELAY_MS = 50;

/** A directory that is watched (or covered by the recursive watch), with its watched subdirectories. */
interface Directory {
  readonly path: string;
  readonly name: string;
  readonly parent: Directory | null;
  /**
   * Tells a directory from another one that took its name, whose events its watch never sees: the
   * inode number and, as a removed directory's number is often given at once to the next one (ext4
   * does), the birth time where the file system keeps one (0 elsewhere).
   */
  readonly identity: string;
  /** Null in recursive mode (but for the root), or when fs.watch failed (reported as 'error'). */
  handle: FSWatcher | null;
  readonly children: Map<string, Directory>;
  removed: boolean;
}

/**
 * Watches every directory under `root` with a non-recursive fs.watch (one inotify watch each on
 * Linux), never the files: a directory's watch names the files that change in it, which is all
 * watchFolder needs. Emits what watchFolder listens to, as chokidar did with `ignoreInitial`,
 * `followSymlinks: false` and `atomic: false`:
 *
 * - 'raw' (event, filename, { watchedPath }) for every fs.watch event, unchanged: `filename` is the
 *   name inside `watchedPath` (on Linux the watched directory's own name when it is itself removed
 *   or moved);
 * - 'addDir' (path) for each directory that appears after the start (and each one below it), once
 *   it is watched; 'unlinkDir' (path) for each watched directory that is gone, once its watch and
 *   those below it are closed;
 * - 'error' (error) with fs.watch's error unchanged (code, path), except ENOENT and ENOTDIR (the
 *   directory went away; its parent's event says so);
 * - 'ready' once every directory that was there at the start is watched.
 *
 * The walk reads directories only (readdir with file types: no stat per file, and a file's entry is
 * dropped as soon as it is read), a few at a time, so memory stays flat whatever the number of
 * files. Symlinks are not followed; ignored directories are neither read nor watched. A directory
 * whose watch failed is not read either: its subdirectories would fail alike.
 *
 * chokidar, by contrast, lstat's every file of the tree at start and keeps state for each (measured
 * for 100,000 files: see README.md).
 */
export class DirectoryWatcher extends EventEmitter implements WatcherLike {
  private readonly ignored: (path: string, isDirectory: boolean) => boolean;
  private readonly limit: number;
  private readonly recursive: boolean;
  private readonly watchFunction: WatchFunction;
  private readonly clock: Clock;
  private rootDirectory: Directory | null = null;
  /** Directories watched but not yet read, and whether what is found in them is new ('addDir'). */
  private readonly unread: { directory: Directory; announce: boolean }[] = [];
  private reading = 0;
  /** Names being lstat'ed after an event; true when another event asked for a second look. */
  private readonly checking = new Map<string, boolean>();
  private readonly retries = new Set<Timer>();
  private handles = 0;
  private readyEmitted = false;
  private closed = false;

  constructor(
    private readonly root: string,
    options: DirectoryWatcherOptions = {},
  ) {
    super();
    this.ignored = options.ignored ?? (() => false);
    this.limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.recursive = options.recursive ?? (process.platform === 'darwin' || process.platform === 'win32');
    this.watchFunction = options.watch ?? fsWatch;
    this.clock = options.clock ?? systemClock;
    // Listeners are attached after the constructor returns: nothing may be emitted before.
    queueMicrotask(() => this.start());
  }

  /** The absolute paths of the directories watched (or covered by the recursive watch); none once closed. */
  watchedDirectories(): string[] {
    const paths: string[] = [];
    const visit = (directory: Directory): void => {
      paths.push(directory.path);
      for (const child of directory.children.values()) visit(child);
    };
    if (this.rootDirectory) visit(this.rootDirectory);
    return paths;
  }

  /**
   * fs.watch handles open now: one per watched directory, or one in recursive mode. Counted as they
   * are opened and closed, so a handle dropped without being closed shows here.
   */
  openHandles(): number {
    return this.handles;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unread.length = 0;
    this.checking.clear();
    for (const timer of this.retries) timer.cancel();
    this.retries.clear();
    if (this.rootDirectory) this.closeTree(this.rootDirectory);
    this.rootDirectory = null;
  }

  private start(): void {
    if (this.closed) return;
    let failure: unknown = null;
    try {
      const stats = lstatSync(this.root, { throwIfNoEntry: false });
      if (stats?.isDirectory()) {
        const root: Directory = {
          path: this.root,
          name: '',
          parent: null,
          identity: identityOf(stats),
          handle: null,
          children: new Map(),
          removed: false,
        };
        root.handle = this.openWatch(root, (error) => (failure = error));
        if (root.handle !== null) {
          this.rootDirectory = root;
          this.unread.push({ directory: root, announce: false });
          this.pump();
          return;
        }
      } else {
        failure = Object.assign(new Error(`ENOENT: no such directory, watch '${this.root}'`), {
          code: 'ENOENT',
        });
      }
    } catch (error) {
      failure = error;
    }
    // The folder is gone: say so the way chokidar did, so watchFolder stats it and finds it missing.
    const code = (failure as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') this.emit('unlinkDir', this.root);
    else this.report(failure);
    this.emitReady();
  }

  /** Null when not watched: a subdirectory in recursive mode, or when fs.watch threw (`failed`). */
  private openWatch(
    directory: Directory,
    failed: (error: unknown) => void = (error) => this.report(error),
  ): FSWatcher | null {
    if (this.recursive && directory.parent !== null) return null;
    try {
      const handle = this.watchFunction(
        directory.path,
        { persistent: true, ...(this.recursive ? { recursive: true } : {}) },
        this.recursive
          ? (event, filename) => this.onRecursiveEvent(event, filename)
          : (event, filename) => this.onEvent(directory, event, filename),
      );
      this.handles++;
      // Node closes the handle before it emits an error.
      handle.on('error', (error: NodeJS.ErrnoException) => {
        if (directory.handle === handle) {
          directory.handle = null;
          this.handles--;
        }
        // Such an error names the event's file, if any: without one, name the directory, so that
        // watchFolder can tell an error of the folder itself (Windows reports a deleted one as EPERM).
        if (error.path === undefined) error.path = directory.path;
        if (!this.closed && !directory.removed) this.report(error);
      });
      return handle;
    } catch (error) {
      failed(error);
      return null;
    }
  }

  /** An event from one directory's own watch (not recursive). */
  private onEvent(directory: Directory, event: string, filename: string | null): void {
    if (this.closed || directory.removed) return;
    this.emit('raw', event, filename, { watchedPath: directory.path });
    if (this.closed) return;
    // 'rename' is an entry created, removed or moved (inotify's IN_CREATE, IN_DELETE, IN_MOVED_*):
    // maybe a directory. 'change' is a write or an attribute change, never a new name.
    if (event === 'rename' && filename) this.check(directory, filename);
  }

  /**
   * macOS and Windows (NOT TESTED HERE: the tests run on Linux). The recursive watch names a path
   * relative to the root, with the platform's separator; 'raw' folds its directory part into
   * `watchedPath`, so that watchPath + '/' + filename is the path, just as a directory's own watch
   * reports it (watchFolder builds paths that way and turns backslashes into '/' only in
   * `watchedPath`). Events below an ignored directory are dropped: on Linux it is not watched.
   */
  private onRecursiveEvent(event: string, filename: string | null): void {
    const root = this.rootDirectory;
    if (this.closed || root === null) return;
    if (!filename) {
      this.emit('raw', event, filename, { watchedPath: this.root });
      return;
    }
    const folder = dirname(filename);
    const name = basename(filename);
    let directory: Directory | null = root;
    if (folder !== '.') {
      let path = root.path;
      for (const part of folder.split(SEPARATORS)) {
        path = joinPath(path, part);
        directory = directory?.children.get(part) ?? null;
        // Not known yet (being added: its walk finds what is in it) or ignored.
        if (directory === null && this.ignored(path, true)) return;
      }
    }
    this.emit('raw', event, name, { watchedPath: folder === '.' ? this.root : joinPath(this.root, folder) });
    if (event === 'rename' && directory !== null) this.check(directory, name);
  }

  /**
   * Something happened to `name` in a watched directory: if it is (or was) a directory, watch it
   * (or stop). One lstat per event, off the main thread; events for the same name while it runs
   * cost one more look afterwards, not one each.
   */
  private check(parent: Directory, name: string): void {
    const path = joinPath(parent.path, name);
    if (this.checking.has(path)) {
      this.checking.set(path, true);
      return;
    }
    this.checking.set(path, false);
    lstat(path, (error, stats) => {
      const again = this.checking.get(path) === true;
      this.checking.delete(path);
      if (this.closed || parent.removed) return;
      const known = parent.children.get(name);
      const identity = !error && stats.isDirectory() ? identityOf(stats) : null;
      if (known && known.identity !== identity) this.removeTree(known);
      if (identity !== null && known?.identity !== identity) this.addDirectory(parent, name, true);
      if (again) this.check(parent, name);
    });
  }

  /**
   * Watches `name` in `parent` and queues it to be read. Synchronous, like fs.watch itself (on Linux
   * inotify_add_watch runs on the main thread): the lstat that comes with it costs the same path
   * lookup and leaves no half-added directory to keep track of.
   */
  private addDirectory(parent: Directory, name: string, announce: boolean): void {
    const path = joinPath(parent.path, name);
    // The callback may have closed this watcher.
    if (this.ignored(path, true) || this.closed) return;
    let identity: string;
    try {
      const stats = lstatSync(path, { throwIfNoEntry: false });
      // Gone or replaced since it was listed: whatever took its name raises an event of its own.
      if (!stats?.isDirectory()) return;
      identity = identityOf(stats);
    } catch (error) {
      this.report(error);
      return;
    }
    const existing = parent.children.get(name);
    if (existing) {
      if (existing.identity === identity) return;
      this.removeTree(existing);
    }
    const directory: Directory = {
      path,
      name,
      parent,
      identity,
      handle: null,
      children: new Map(),
      removed: false,
    };
    parent.children.set(name, directory);
    directory.handle = this.openWatch(directory);
    if (announce) this.emit('addDir', path);
    if (this.closed) return;
    if (directory.handle !== null || this.recursive) {
      this.unread.push({ directory, announce });
      this.pump();
    }
  }

  /** Stops watching a directory and everything below it, and says so for each, innermost first. */
  private removeTree(directory: Directory): void {
    for (const child of [...directory.children.values()]) this.removeTree(child);
    directory.removed = true;
    this.closeHandle(directory);
    directory.parent?.children.delete(directory.name);
    if (!this.closed) this.emit('unlinkDir', directory.path);
  }

  private closeTree(directory: Directory): void {
    directory.removed = true;
    this.closeHandle(directory);
    for (const child of directory.children.values()) this.closeTree(child);
  }

  private closeHandle(directory: Directory): void {
    if (directory.handle === null) return;
    directory.handle.close();
    directory.handle = null;
    this.handles--;
  }

  private pump(): void {
    while (!this.closed && this.reading < this.limit) {
      const next = this.unread.pop();
      if (next === undefined) break;
      this.read(next.directory, next.announce, 0);
    }
    if (this.reading === 0 && this.unread.length === 0) this.emitReady();
  }

  private read(directory: Directory, announce: boolean, attempt: number): void {
    this.reading++;
    readdir(directory.path, { withFileTypes: true }, (error, entries) => {
      if (
        error &&
        (error.code === 'EMFILE' || error.code === 'ENFILE') &&
        attempt < RETRIES_WHEN_OUT_OF_FILES
      ) {
        // Still counted as reading, so 'ready' cannot come while the retry waits.
        const timer = this.clock.setTimeout(
          () => {
            this.retries.delete(timer);
            this.reading--;
            if (!directory.removed) this.read(directory, announce, attempt + 1);
            else this.pump();
          },
          RETRY_DELAY_MS * (attempt + 1),
        );
        this.retries.add(timer);
        return;
      }
      this.reading--;
      if (this.closed) return;
      if (error) {
        this.report(error);
      } else if (!directory.removed) {
        // Only the type of each entry is looked at: a symlink to a directory is not a directory.
        for (const entry of entries) {
          if (entry.isDirectory()) this.addDirectory(directory, entry.name, announce);
          if (this.closed || directory.removed) break;
        }
      }
      this.pump();
    });
  }

  private emitReady(): void {
    if (this.readyEmitted || this.closed) return;
    this.readyEmitted = true;
    this.emit('ready');
  }

  /** As chokidar did: ENOENT and ENOTDIR mean the directory went away, which its parent reports. */
  private report(error: unknown): void {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    // An 'error' without a listener would throw from inside an fs callback and end the process.
    if (!this.closed && this.listenerCount('error') > 0) this.emit('error', error);
  }
}

function identityOf(stats: Stats): string {
  return `${stats.ino}:${stats.birthtimeMs}`;
}

function joinPath(directory: string, name: string): string {
  return directory.endsWith(sep) ? directory + name : directory + sep + name;
}
