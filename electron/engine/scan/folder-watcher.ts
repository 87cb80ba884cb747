// One state machine (starting, watching, polling, missing, closed) whose every transition touches
// the same fields (the watcher, its timers, the gated hints), so it stays in one file of ~400
// lines; what others need from it (the contract) and the fallback's wording live next to it.
import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { systemClock, type Clock, type Timer } from '../../base/clock.js';
import { DirectoryWatcher, type DirectoryWatcherOptions } from './directory-watcher.js';
import { walkFolder } from './folder-walker.js';
import { HintBursts } from './hint-bursts.js';
import { HOISTIGNORE_FILE, type IgnoreRules } from './ignore-rules.js';
import {
  RESCAN_REASONS,
  type FolderWatcher,
  type WatchHandlers,
  type WatchOptions,
} from './watch-contract.js';
import { fallbackError } from './watch-fallback.js';
import type { WatcherLike } from './watcher-like.js';

export { RESCAN_REASONS } from './watch-contract.js';
export type { FolderWatcher, RescanReason, WatchHandlers, WatchOptions } from './watch-contract.js';

const DEFAULT_RESCAN_INTERVAL_MS = 60_000;
const DEFAULT_MISSING_CHECK_MS = 2_000;
// A path's events within this much of each other are one burst: hinted at its start and end.
const QUIET_MS = 100;
// ...and at least this often while it lasts.
const MAX_HINT_GAP_MS = 1_000;
// New directories arrive in bursts too (`mkdir -p`, a moved-in tree): walk them together.
const NEW_DIRECTORY_SETTLE_MS = 50;
// Removed directories become one rescan once the removals stop (`rm -r` of a tree).
const REMOVED_DIRECTORY_SETTLE_MS = 200;
const WINDOWS = process.platform === 'win32';

/**
 * Watches a folder (with a DirectoryWatcher: fs.watch on directories) and turns what happens into
 * hints for the engine, which re-stats every hinted path.
 *
 * Only directories are watched. Watching every file too (chokidar's default) measured, for 100,000
 * files, 101,111 inotify watches (the default limit on many systems is 8,192 or 65,536), +258 MB of
 * heap and 20 s of CPU to start; watching directories alone took 1,111 watches and +3 MB. Even
 * with directories only, chokidar lstat'ed and remembered every file at start (see README.md), so
 * DirectoryWatcher replaced it. A directory's watch reports its files' changes by name (the 'raw'
 * event), which is all a hint needs. So: files are hinted from their directory's events; a new directory is
 * walked and each file in it hinted; a removed directory asks for a rescan (its files raise no
 * events of their own, and the rescan also sees a renamed directory's files as renames).
 *
 * No awaitWriteFinish: the engine checks stability itself, and waiting here would only add
 * latency. Falls back to periodic rescans when the system will not let us watch.
 */
export function watchFolder(
  root: string,
  rules: Pick<IgnoreRules, 'ignores'>,
  handlers: WatchHandlers,
  options: WatchOptions = {},
): FolderWatcher {
  const watch = new FolderWatch(resolve(root), rules, handlers, options);
  return {
    ready: watch.ready,
    close: () => watch.close(),
    mode: () => watch.mode(),
    refresh: () => watch.refresh(),
  };
}

interface RootIdentity {
  /** The folder's real path, '/'-separated. */
  path: string;
  dev: number;
  ino: number;
}

type State = 'starting' | 'watching' | 'polling' | 'missing' | 'closed';

class FolderWatch {
  readonly ready: Promise<void>;
  private state: State = 'starting';
  private watcher: WatcherLike | null = null;
  private readonly closing: Promise<unknown>[] = [];
  private identity: RootIdentity | null = null;
  private rootPrefix = '';
  private readonly bursts: HintBursts;
  /** The periodic rescan after a fallback, or the look-out for a missing folder. */
  private interval: Timer | null = null;
  private readonly timeouts = new Set<Timer>();
  /** Creations and removals wait for one stat of the folder: a vanished folder is not a thousand deletions. */
  private gated: string[] = [];
  private directoriesRemoved = false;
  private rootCheckRunning = false;
  private readonly addedDirectories = new Set<string>();
  private removedRescan: Timer | null = null;
  private lastErrorRescan = 0;
  private releaseReady: () => void = () => {};
  private watcherReady: (() => void) | null = null;
  private readonly rescanIntervalMs: number;
  private readonly createWatcher: (root: string, options: DirectoryWatcherOptions) => WatcherLike;
  private readonly clock: Clock;

  constructor(
    private readonly root: string,
    private readonly rules: Pick<IgnoreRules, 'ignores'>,
    private readonly handlers: WatchHandlers,
    private readonly options: WatchOptions,
  ) {
    this.rescanIntervalMs = options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
    this.createWatcher =
      options.createWatcher ?? ((path, watcherOptions) => new DirectoryWatcher(path, watcherOptions));
    this.bursts = new HintBursts(
      (path) => {
        if (this.state === 'watching') this.handlers.onHint(path);
      },
      QUIET_MS,
      MAX_HINT_GAP_MS,
      this.clock,
    );
    this.ready = new Promise<void>((resolvePromise) => {
      this.releaseReady = resolvePromise;
    });
    void this.start();
  }

  mode(): 'watching' | 'polling' {
    return this.state === 'watching' || this.state === 'starting' ? 'watching' : 'polling';
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.stopWatcher();
    this.releaseReady();
    await Promise.all(this.closing);
  }

  async refresh(): Promise<void> {
    if (this.state !== 'watching') return;
    const identity = await this.statRoot();
    if (this.state !== 'watching') return;
    if (identity === null) return this.folderMissing();
    this.stopWatcher();
    await this.startWatcher(identity);
  }

  private async start(): Promise<void> {
    const identity = await this.statRoot();
    if (this.state === 'closed') return;
    if (identity === null) return this.folderMissing();
    await this.startWatcher(identity);
    this.releaseReady();
  }

  private async startWatcher(identity: RootIdentity): Promise<void> {
    this.identity = identity;
    this.rootPrefix = identity.path.endsWith('/') ? identity.path : `${identity.path}/`;
    let watcher: WatcherLike;
    try {
      // The watcher reports only changes (the engine's walk covers what is already there), follows
      // no symlink out of the folder (as in walkFolder) and reports every name at once, whatever it
      // looks like: hints are cheap.
      watcher = this.createWatcher(identity.path, {
        ignored: (path, isDirectory) => this.isIgnored(path, isDirectory),
        clock: this.clock,
      });
    } catch (error) {
      this.fallBack(error);
      return;
    }
    this.watcher = watcher;
    this.state = 'watching';
    const current = (): boolean => watcher === this.watcher;
    const rootName = basename(identity.path);
    watcher.on('raw', (event, name, details) => {
      if (current()) this.onRaw(event, name, details?.watchedPath, rootName);
    });
    watcher.on('addDir', (path) => {
      if (current()) this.onDirectory(path, false);
    });
    watcher.on('unlinkDir', (path) => {
      if (current()) this.onDirectory(path, true);
    });
    watcher.on('error', (error) => {
      if (current()) this.onError(error);
    });
    if (!current()) return;
    await new Promise<void>((resolvePromise) => {
      // A fallback or close before 'ready' must not leave this waiting: stopWatcher releases it.
      this.watcherReady = resolvePromise;
      watcher.on('ready', resolvePromise);
    });
    this.watcherReady = null;
  }

  /** Asked about directories only: files are heard through their directory's watch (see watchFolder). */
  private isIgnored(path: string, isDirectory: boolean): boolean {
    const relative = this.relative(path);
    // Outside the folder: not ours to watch.
    if (relative === null) return true;
    if (relative === '') return false;
    return this.rules.ignores(relative, isDirectory);
  }

  /** An event from a directory's watch: `name` changed, appeared or went away inside it. */
  private onRaw(
    event: string,
    name: string | null | undefined,
    watchedPath: string | undefined,
    rootName: string,
  ): void {
    const directory = watchedPath === undefined ? null : this.relative(watchedPath);
    if (directory === null) return;
    // The folder's own watch reports the folder's deletion or move as a 'rename' of its own name.
    if (directory === '' && event === 'rename' && (!name || name === rootName)) this.checkRoot();
    if (!name) {
      if (directory !== '') this.directoryAdded(directory);
      return;
    }
    const path = directory === '' ? name : `${directory}/${name}`;
    // .hoistignore is hinted even if it ignores itself: the engine must hear of edits to it.
    if (path !== HOISTIGNORE_FILE && this.rules.ignores(path, false)) return;
    if (event === 'rename') {
      this.gated.push(path);
      this.checkRoot();
    } else {
      this.bursts.hint(path);
    }
  }

  private onDirectory(absolutePath: string, removed: boolean): void {
    const path = this.relative(absolutePath);
    if (path === null) return;
    if (path === '') {
      if (removed) this.checkRoot();
    } else if (removed) {
      this.directoriesRemoved = true;
      this.checkRoot();
    } else {
      this.directoryAdded(path);
    }
  }

  /**
   * Files written into a directory before its watch was set up raise no events, so each new
   * directory is walked: soon after it appears, and once more a moment later for files that landed
   * between the first walk and the watch.
   */
  private directoryAdded(path: string): void {
    this.addedDirectories.add(path);
    if (this.addedDirectories.size > 1) return;
    this.later(NEW_DIRECTORY_SETTLE_MS, () => {
      const batch = outermost(this.addedDirectories);
      this.addedDirectories.clear();
      this.walkAndHint(batch);
      this.later(QUIET_MS, () => this.walkAndHint(batch));
    });
  }

  private walkAndHint(directories: string[]): void {
    const identity = this.identity;
    if (identity === null || this.state !== 'watching') return;
    for (const under of directories) {
      // What the walk could not take in (a name that is not UTF-8, a folder it cannot list) is
      // hinted too: the hint's handler lists it at once (local-changes.ts).
      const unreadable: string[] = [];
      const onError = (path: string): void => void unreadable.push(path);
      walkFolder(identity.path, this.rules, { under, clock: this.clock, onError }).then(
        (files) => {
          if (this.state !== 'watching' || this.identity !== identity) return;
          this.handlers.onHint(under);
          for (const file of files) this.handlers.onHint(file.path);
          for (const path of unreadable) this.handlers.onHint(path);
        },
        () => this.checkRoot(),
      );
    }
  }

  private onError(error: unknown): void {
    const failure = error as NodeJS.ErrnoException;
    const code = failure?.code;
    if (code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE') {
      this.fallBack(failure);
    } else if (code === 'EPERM' || code === 'EACCES') {
      // On the folder itself it may be gone (Windows reports a deleted watched folder as EPERM);
      // on a subfolder, the walk reports it and everything else is still watched.
      if (failure.path !== undefined && this.relative(failure.path) === '') {
        void this.statRoot().then((identity) =>
          identity === null ? this.folderMissing() : this.fallBack(failure),
        );
      }
    } else if (this.clock.now() - this.lastErrorRescan >= this.rescanIntervalMs) {
      this.lastErrorRescan = this.clock.now();
      this.handlers.onRescan(RESCAN_REASONS.watcherError);
    }
  }

  /** Stop watching for good and rescan every `rescanIntervalMs` instead. */
  private fallBack(error: unknown): void {
    if (this.state === 'closed' || this.state === 'polling') return;
    this.stopWatcher();
    this.state = 'polling';
    this.interval = this.clock.setInterval(
      () => this.handlers.onRescan(RESCAN_REASONS.periodic),
      this.rescanIntervalMs,
    );
    this.handlers.onFallback(fallbackError(error as NodeJS.ErrnoException, this.rescanIntervalMs));
    this.handlers.onRescan(RESCAN_REASONS.watchFailed);
    this.releaseReady();
  }

  /** Coalesced: at most one stat of the folder in flight; gated hints wait for its answer. */
  private checkRoot(): void {
    if (this.rootCheckRunning || this.state !== 'watching') return;
    this.rootCheckRunning = true;
    const batch = this.gated;
    const directoriesRemoved = this.directoriesRemoved;
    this.gated = [];
    this.directoriesRemoved = false;
    void this.statRoot().then((identity) => {
      this.rootCheckRunning = false;
      if (this.state !== 'watching') return;
      const known = this.identity;
      if (identity === null) return this.folderMissing();
      if (
        known === null ||
        identity.ino !== known.ino ||
        identity.dev !== known.dev ||
        identity.path !== known.path
      ) {
        // Another folder now stands at this path: the old watches see nothing of it.
        return void this.restart(identity);
      }
      for (const path of batch) this.bursts.hint(path);
      if (directoriesRemoved) this.rescanSoon();
      if (this.gated.length > 0 || this.directoriesRemoved) this.checkRoot();
    });
  }

  private rescanSoon(): void {
    // Another removal while one waits: the settling starts over.
    if (this.removedRescan) this.forget(this.removedRescan);
    this.removedRescan = this.later(REMOVED_DIRECTORY_SETTLE_MS, () => {
      this.removedRescan = null;
      if (this.state === 'watching') this.handlers.onRescan(RESCAN_REASONS.directoryRemoved);
    });
  }

  /** Gated hints are dropped, not sent: the engine's rescan finds the folder missing instead. */
  private folderMissing(): void {
    if (this.state === 'closed' || this.state === 'polling' || this.state === 'missing') return;
    this.stopWatcher();
    this.state = 'missing';
    this.handlers.onRescan(RESCAN_REASONS.folderMissing);
    this.releaseReady();
    this.interval = this.clock.setInterval(() => {
      void this.statRoot().then((identity) => {
        if (identity !== null && this.state === 'missing') void this.restart(identity);
      });
    }, this.options.missingCheckIntervalMs ?? DEFAULT_MISSING_CHECK_MS);
  }

  private async restart(identity: RootIdentity): Promise<void> {
    this.stopWatcher();
    this.state = 'starting';
    await this.startWatcher(identity);
    // startWatcher may have fallen back to polling, or close() may have come meanwhile.
    if ((this.state as State) === 'watching') this.handlers.onRescan(RESCAN_REASONS.folderBack);
  }

  /** Closes the watcher and forgets everything pending for it. */
  private stopWatcher(): void {
    const watcher = this.watcher;
    this.watcher = null;
    if (watcher) this.closing.push(watcher.close().catch(() => undefined));
    this.watcherReady?.();
    this.watcherReady = null;
    this.interval?.cancel();
    this.interval = null;
    for (const timeout of this.timeouts) timeout.cancel();
    this.timeouts.clear();
    this.removedRescan = null;
    this.bursts.clear();
    this.gated = [];
    this.directoriesRemoved = false;
    this.addedDirectories.clear();
  }

  private later(ms: number, run: () => void): Timer {
    const timeout = this.clock.setTimeout(() => {
      this.timeouts.delete(timeout);
      run();
    }, ms);
    this.timeouts.add(timeout);
    return timeout;
  }

  private forget(timeout: Timer): void {
    timeout.cancel();
    this.timeouts.delete(timeout);
  }

  private async statRoot(): Promise<RootIdentity | null> {
    try {
      const real = await realpath(this.root);
      const info = await stat(real);
      return info.isDirectory() ? { path: this.toPortable(real), dev: info.dev, ino: info.ino } : null;
    } catch {
      return null;
    }
  }

  /** The path relative to the folder, '/'-separated; '' for the folder; null if outside it. */
  private relative(path: string): string | null {
    if (this.identity === null) return null;
    const portable = this.toPortable(path);
    if (portable === this.identity.path) return '';
    return portable.startsWith(this.rootPrefix) ? portable.slice(this.rootPrefix.length) : null;
  }

  private toPortable(path: string): string {
    // Only on Windows is a backslash a separator; elsewhere it is a legal character in a name.
    return WINDOWS ? path.replace(/\\/g, '/') : path;
  }
}

/** The directories of the set that are not inside another one of it. */
function outermost(directories: Set<string>): string[] {
  return [...directories].filter((directory) => {
    for (let slash = directory.indexOf('/'); slash !== -1; slash = directory.indexOf('/', slash + 1)) {
      if (directories.has(directory.slice(0, slash))) return false;
    }
    return true;
  });
}
