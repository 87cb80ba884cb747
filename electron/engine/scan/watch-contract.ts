import type { Clock } from '../../base/clock.js';
import type { SyncError } from '../sync-error.js';
import type { DirectoryWatcherOptions } from './directory-watcher.js';
import type { WatcherLike } from './watcher-like.js';

/** What watchFolder (folder-watcher.ts) promises its caller, and what it asks of it. */

export interface WatchHandlers {
  /**
   * Something may have changed at this relative path: usually a file (added, changed, removed or
   * renamed), sometimes a directory, or a name that is already gone. A hint is never the truth:
   * lstat the path and compare it with the stat cache. The files of a new directory are hinted one
   * by one; the files of a removed directory are not (that is a rescan: RESCAN_REASONS.directoryRemoved).
   */
  onHint: (relativePath: string) => void;
  /** Rescan the whole folder, for this reason. */
  onRescan: (reason: RescanReason) => void;
  /** Watching failed for good; from now on the folder is rescanned periodically. Called once. */
  onFallback: (error: SyncError) => void;
}

export const RESCAN_REASONS = {
  /** The folder is gone. Its files are not deleted: walkFolder throws `folder-missing` meanwhile. */
  folderMissing: 'folder missing',
  /** The folder is back (or was replaced by another one): compare everything again. */
  folderBack: 'folder reappeared',
  /** Watching failed, so events may have been missed. */
  watchFailed: 'watching failed',
  /** The periodic rescan that replaces watching after a fallback. */
  periodic: 'periodic rescan',
  /** Directories were removed or moved away: their files raise no events of their own. */
  directoryRemoved: 'directory removed',
  /** The watcher reported an error it could go on after; an event may have been lost. */
  watcherError: 'watcher error',
} as const;

/** Why the watcher asks for a rescan: one of RESCAN_REASONS. */
export type RescanReason = (typeof RESCAN_REASONS)[keyof typeof RESCAN_REASONS];

export interface WatchOptions {
  /** Between rescans once watching has failed. Default 60 s. */
  rescanIntervalMs?: number;
  /** How often a missing folder is looked for. Default 2 s (one stat). */
  missingCheckIntervalMs?: number;
  createWatcher?: (root: string, options: DirectoryWatcherOptions) => WatcherLike;
  /** Every timer of the watch (bursts, settling, rescans) and the walks it starts. Default the system clock. */
  clock?: Clock;
}

export interface FolderWatcher {
  /** Resolves once watching is set up (or has fallen back, or the folder is missing); never rejects. */
  ready: Promise<void>;
  close(): Promise<void>;
  /** 'polling' whenever live events are not flowing: after a fallback, or while the folder is missing. */
  mode(): 'watching' | 'polling';
  /**
   * Starts the watcher over so changed ignore rules decide which directories are watched (a
   * directory that was ignored is not watched until then). Call it after `rules.reload()` returned
   * true, then rescan: events during the restart are not reported.
   */
  refresh(): Promise<void>;
}
