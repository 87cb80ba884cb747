/**
 * What watchFolder needs from a watcher: a DirectoryWatcher by default (chokidar's FSWatcher has the
 * same shape), injectable so a test can make one fail. Its own file because both folder-watcher.ts
 * (which uses one) and directory-watcher.ts (which is one) need it, and neither imports the other
 * for it.
 */
export interface WatcherLike {
  on(event: 'addDir' | 'unlinkDir', listener: (path: string) => void): unknown;
  /** From a directory's watch: `path` is the name inside it, `details.watchedPath` the directory. */
  on(
    event: 'raw',
    listener: (event: string, path: string, details: { watchedPath?: string }) => void,
  ): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  close(): Promise<void>;
}
