import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, watch as fsWatch } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DirectoryWatcher,
  type DirectoryWatcherOptions,
  type WatchFunction,
} from '../../electron/engine/scan/directory-watcher.js';
import {
  RESCAN_REASONS,
  watchFolder,
  type FolderWatcher,
} from '../../electron/engine/scan/folder-watcher.js';
import type { SyncError } from '../../electron/engine/sync-error.js';
import { makeTempDir } from '../support/temp-dir.js';
import { conditionWaiters } from '../support/condition-waiters.js';
import { sleep } from '../../electron/base/sleep.js';

// Events take a few milliseconds; the generous limit only matters on a starved CI machine.
const WAIT_MS = 5_000;
const LINUX = process.platform === 'linux';

let root: string;
let removeBase: () => Promise<void>;
let closers: (() => Promise<void>)[];

beforeEach(async () => {
  const base = await makeTempDir('hoist-dirwatch-');
  removeBase = base.remove;
  root = join(base.path, 'folder');
  await mkdir(root);
  closers = [];
});

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  await removeBase();
});

interface Raw {
  event: string;
  name: string | null;
  watchedPath: string | undefined;
}

/** A DirectoryWatcher on `root` and what it emitted; `until` waits for a condition, not for a time. */
async function startWatcher(options: DirectoryWatcherOptions = {}) {
  // Per-directory watches unless a test asks otherwise: they are what Linux uses.
  const watcher = new DirectoryWatcher(root, { recursive: false, ...options });
  closers.push(() => watcher.close());
  const raw: Raw[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const errors: NodeJS.ErrnoException[] = [];
  const { notify, until } = conditionWaiters(WAIT_MS, () => `raw ${JSON.stringify(raw)}`);
  watcher.on('raw', (event: string, name: string | null, details: { watchedPath?: string }) => {
    raw.push({ event, name, watchedPath: details.watchedPath });
    notify();
  });
  watcher.on('addDir', (path: string) => {
    added.push(path);
    notify();
  });
  watcher.on('unlinkDir', (path: string) => {
    removed.push(path);
    notify();
  });
  watcher.on('error', (error: NodeJS.ErrnoException) => {
    errors.push(error);
    notify();
  });
  /** Some event about `name` from the watch of `directory` (absolute). */
  const heard = (directory: string, name: string) =>
    until(
      () => raw.some((event) => event.watchedPath === directory && event.name === name),
      `event for ${name} in ${directory}`,
    );
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { watcher, raw, added, removed, errors, until, heard };
}

const sorted = (paths: string[]) => [...paths].sort();

/** inotify watches this process holds, read from the kernel (Linux only). */
function kernelWatches(): number {
  let total = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    total += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('inotify wd:')).length;
  }
  return total;
}

describe('DirectoryWatcher', () => {
  it('watches every directory that is there at the start, and no file, symlink or ignored directory', async () => {
    await mkdir(join(root, 'a/b/c'), { recursive: true });
    await mkdir(join(root, 'skip/inner'), { recursive: true });
    await mkdir(join(root, 'outside-target'));
    await writeFile(join(root, 'a/file.txt'), 'x');
    await symlink(join(root, 'a'), join(root, 'link-to-a'));
    const kernelBefore = LINUX ? kernelWatches() : 0;
    const asked: string[] = [];
    const { watcher, added } = await startWatcher({
      ignored: (path, isDirectory) => {
        asked.push(path);
        expect(isDirectory).toBe(true);
        return path === join(root, 'skip');
      },
    });

    const expected = [
      root,
      join(root, 'a'),
      join(root, 'a/b'),
      join(root, 'a/b/c'),
      join(root, 'outside-target'),
    ];
    expect(sorted(watcher.watchedDirectories())).toEqual(sorted(expected));
    expect(watcher.openHandles()).toBe(5);
    if (LINUX) expect(kernelWatches() - kernelBefore).toBe(5);
    // Asked about directories only, and never about what is below an ignored one.
    expect(asked).not.toContain(join(root, 'a/file.txt'));
    expect(asked).not.toContain(join(root, 'link-to-a'));
    expect(asked).not.toContain(join(root, 'skip/inner'));
    expect(added).toEqual([]); // what was there at the start is not new
  });

  it('reports each event of a directory as chokidar did: name inside, watchedPath the directory', async () => {
    await mkdir(join(root, 'docs'));
    const { raw, until, heard } = await startWatcher();

    await writeFile(join(root, 'docs/new.txt'), 'x');
    await heard(join(root, 'docs'), 'new.txt');
    expect(raw).toContainEqual({ event: 'rename', name: 'new.txt', watchedPath: join(root, 'docs') });
    await writeFile(join(root, 'docs/new.txt'), 'changed');
    await until(() => raw.some((event) => event.event === 'change' && event.name === 'new.txt'), 'change');
    await writeFile(join(root, 'top.txt'), 'x');
    await heard(root, 'top.txt');
  });

  it('watches nested directories created after the start, so a file written deep inside is heard', async () => {
    const { watcher, added, removed, until, heard } = await startWatcher();

    await mkdir(join(root, 'a/b/c/d'), { recursive: true });
    const deep = join(root, 'a/b/c/d');
    await heard(root, 'a');
    // Each new directory is announced once its watch is set up, outermost first.
    await until(() => added.includes(deep), 'addDir of a/b/c/d');
    expect(added).toEqual([join(root, 'a'), join(root, 'a/b'), join(root, 'a/b/c'), deep]);
    expect(removed).toEqual([]); // mkdir -p is no removal, even when events and walk race

    await writeFile(join(deep, 'deep.txt'), 'x');
    await heard(deep, 'deep.txt');
    expect(watcher.openHandles()).toBe(5);
  });

  it("closes a removed tree's watches and says so for each directory", async () => {
    await mkdir(join(root, 'tree/x/y'), { recursive: true });
    await mkdir(join(root, 'tree/z'));
    await mkdir(join(root, 'kept'));
    const kernelBefore = LINUX ? kernelWatches() : 0;
    const { watcher, removed, until } = await startWatcher();
    expect(watcher.openHandles()).toBe(6);

    await rm(join(root, 'tree'), { recursive: true });
    await until(() => removed.includes(join(root, 'tree')), 'unlinkDir of tree');
    expect(sorted(removed)).toEqual(
      sorted([join(root, 'tree'), join(root, 'tree/x'), join(root, 'tree/x/y'), join(root, 'tree/z')]),
    );
    // Inner directories before the ones holding them.
    expect(removed.indexOf(join(root, 'tree/x/y'))).toBeLessThan(removed.indexOf(join(root, 'tree/x')));
    expect(sorted(watcher.watchedDirectories())).toEqual(sorted([root, join(root, 'kept')]));
    expect(watcher.openHandles()).toBe(2);
    if (LINUX) expect(kernelWatches() - kernelBefore).toBe(2);
  });

  it('follows a renamed directory: the old name is closed, the new one (and below it) watched', async () => {
    await mkdir(join(root, 'docs/sub'), { recursive: true });
    const { watcher, added, removed, until, heard } = await startWatcher();

    await rename(join(root, 'docs'), join(root, 'papers'));
    await until(
      () => removed.includes(join(root, 'docs')) && added.includes(join(root, 'papers/sub')),
      'unlinkDir docs, addDir papers/sub',
    );
    expect(sorted(removed)).toEqual(sorted([join(root, 'docs'), join(root, 'docs/sub')]));
    expect(sorted(added)).toEqual(sorted([join(root, 'papers'), join(root, 'papers/sub')]));
    expect(sorted(watcher.watchedDirectories())).toEqual(
      sorted([root, join(root, 'papers'), join(root, 'papers/sub')]),
    );
    expect(watcher.openHandles()).toBe(3);

    await writeFile(join(root, 'papers/sub/later.txt'), 'x');
    await heard(join(root, 'papers/sub'), 'later.txt');
    // Same inode, so the old watch could still hear it: it must be closed, not just forgotten.
    await sleep(50);
    expect(watcher.watchedDirectories()).not.toContain(join(root, 'docs/sub'));
  });

  it('watches a directory that replaced a removed one of the same name', async () => {
    await mkdir(join(root, 'build'));
    const { added, removed, until, heard } = await startWatcher();

    // In one go, so the watcher's look at 'build' finds a directory there: the same name, another
    // directory, which the old watch sees nothing of.
    rmSync(join(root, 'build'), { recursive: true });
    mkdirSync(join(root, 'build'));
    await until(() => added.includes(join(root, 'build')), 'addDir of the new build');
    expect(removed).toEqual([join(root, 'build')]);
    await writeFile(join(root, 'build/out.js'), 'x');
    await heard(join(root, 'build'), 'out.js');
  });

  it('does not watch ignored directories, nor hear what happens in them', async () => {
    await mkdir(join(root, 'node_modules/pkg'), { recursive: true });
    const ignored = (path: string) => path.endsWith('/node_modules') || path.endsWith('/cache');
    const { watcher, raw, added, until, heard } = await startWatcher({ ignored });
    expect(watcher.watchedDirectories()).toEqual([root]);

    await mkdir(join(root, 'src/cache/deep'), { recursive: true });
    await writeFile(join(root, 'node_modules/pkg/index.js'), 'x');
    await until(() => added.includes(join(root, 'src')), 'addDir of src');
    await writeFile(join(root, 'src/cache/deep/blob'), 'x');
    await writeFile(join(root, 'src/sentinel.txt'), 'x');
    await heard(join(root, 'src'), 'sentinel.txt');
    expect(added).toEqual([join(root, 'src')]);
    expect(
      raw.filter((event) => event.watchedPath !== root && event.watchedPath !== join(root, 'src')),
    ).toEqual([]);
    expect(sorted(watcher.watchedDirectories())).toEqual(sorted([root, join(root, 'src')]));
  });

  it('reports an ENOSPC from fs.watch as an error, unchanged, and still gets ready', async () => {
    await mkdir(join(root, 'full'));
    await mkdir(join(root, 'fine'));
    // THE ONE MOCK: fs.watch fails with ENOSPC only when the system's inotify watch limit
    // (fs.inotify.max_user_watches) is exhausted, which a test cannot do to a shared machine. This
    // fs.watch throws the error Node throws then for one directory and is the real one otherwise.
    const enospc = Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached`), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'watch',
      path: join(root, 'full'),
    });
    const watch: WatchFunction = (path, options, listener) => {
      if (path === join(root, 'full')) throw enospc;
      return fsWatch(path, options, listener);
    };
    const { watcher, errors } = await startWatcher({ watch });

    expect(errors).toEqual([enospc]);
    expect(errors[0]).toBe(enospc);
    expect(watcher.openHandles()).toBe(2); // the folder and 'fine'
  });

  it('passes ENOSPC through to watchFolder, which falls back to periodic rescans', async () => {
    await mkdir(join(root, 'sub'));
    // The same one mock as above, for the whole chain: fs.watch -> DirectoryWatcher -> watchFolder.
    let directoryWatcher: DirectoryWatcher | null = null;
    const watch: WatchFunction = (path, options, listener) => {
      if (path === join(root, 'sub')) {
        throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
          code: 'ENOSPC',
          path,
        });
      }
      return fsWatch(path, options, listener);
    };
    const fallbacks: SyncError[] = [];
    const rescans: string[] = [];
    const folder: FolderWatcher = watchFolder(
      root,
      { ignores: () => false },
      {
        onHint: () => {},
        onRescan: (reason) => rescans.push(reason),
        onFallback: (error) => fallbacks.push(error),
      },
      {
        rescanIntervalMs: 3_600_000,
        createWatcher: (path, options) =>
          (directoryWatcher = new DirectoryWatcher(path, { ...options, watch })),
      },
    );
    closers.push(() => folder.close());
    await folder.ready;

    expect(folder.mode()).toBe('polling');
    expect(fallbacks.map((error) => error.detail)).toEqual([
      'ENOSPC: System limit for number of file watchers reached',
    ]);
    expect(rescans).toEqual([RESCAN_REASONS.watchFailed]);
    expect(directoryWatcher!.openHandles()).toBe(0); // closed by the fallback
  });

  it('close() closes every watch, even during the first walk, and nothing is emitted after it', async () => {
    for (let index = 0; index < 20; index++) await mkdir(join(root, `d${index}/e`), { recursive: true });
    const kernelBefore = LINUX ? kernelWatches() : 0;
    const { watcher, raw } = await startWatcher();
    expect(watcher.openHandles()).toBe(41);
    if (LINUX) expect(kernelWatches() - kernelBefore).toBe(41);

    await watcher.close();
    expect(watcher.openHandles()).toBe(0);
    if (LINUX) expect(kernelWatches()).toBe(kernelBefore);
    const before = raw.length;
    await writeFile(join(root, 'd0/e/after.txt'), 'x');
    await sleep(50);
    expect(raw).toHaveLength(before);

    // Closed in the middle of the walk (from inside a callback, which must not matter): whatever was
    // opened is closed, and 'ready' never comes.
    let asked = 0;
    let openWhenClosed = 0;
    const early = new DirectoryWatcher(root, {
      recursive: false,
      concurrency: 1,
      ignored: () => {
        if (++asked === 10) {
          openWhenClosed = early.openHandles();
          void early.close();
        }
        return false;
      },
    });
    let ready = false;
    early.on('ready', () => (ready = true));
    await sleep(100);
    expect(asked).toBe(10);
    expect(ready).toBe(false);
    expect(early.openHandles()).toBe(0);
    expect(openWhenClosed).toBeGreaterThan(1); // it was in the middle of the walk
    expect(early.watchedDirectories()).toEqual([]);
    if (LINUX) expect(kernelWatches()).toBe(kernelBefore);
  });

  it('says unlinkDir for a folder that is gone at the start, then ready', async () => {
    await rm(root, { recursive: true });
    const watcher = new DirectoryWatcher(root, { recursive: false });
    closers.push(() => watcher.close());
    const removed: string[] = [];
    watcher.on('unlinkDir', (path: string) => removed.push(path));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
    expect(removed).toEqual([root]);
    expect(watcher.openHandles()).toBe(0);
  });

  /**
   * The recursive mode is meant for macOS and Windows, whose native recursive watches cannot be
   * tested here. Node on Linux emulates `recursive: true` (names relative to the root, like the
   * native ones), which checks at least how names are folded into watchedPath and how directories
   * are tracked; the native watches' own quirks are not covered.
   */
  it('recursive mode: one watch, names folded into their directory, directories still tracked', async () => {
    await mkdir(join(root, 'a/b'), { recursive: true });
    await mkdir(join(root, 'ignored/x'), { recursive: true });
    const { watcher, raw, added, removed, until, heard } = await startWatcher({
      recursive: true,
      ignored: (path) => path === join(root, 'ignored'),
    });
    expect(watcher.openHandles()).toBe(1);
    expect(sorted(watcher.watchedDirectories())).toEqual(sorted([root, join(root, 'a'), join(root, 'a/b')]));

    await writeFile(join(root, 'a/b/deep.txt'), 'x');
    await heard(join(root, 'a/b'), 'deep.txt');
    await mkdir(join(root, 'a/new'));
    await until(() => added.includes(join(root, 'a/new')), 'addDir a/new');
    await rm(join(root, 'a/b'), { recursive: true });
    await until(() => removed.includes(join(root, 'a/b')), 'unlinkDir a/b');
    await writeFile(join(root, 'ignored/x/quiet.txt'), 'x');
    await writeFile(join(root, 'sentinel.txt'), 'x');
    await heard(root, 'sentinel.txt');
    expect(raw.filter((event) => event.name?.includes('/'))).toEqual([]);
    expect(raw.filter((event) => event.watchedPath?.startsWith(join(root, 'ignored')))).toEqual([]);
  });
});
