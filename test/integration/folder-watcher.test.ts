import { EventEmitter } from 'node:events';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RESCAN_REASONS,
  watchFolder,
  type FolderWatcher,
  type WatchHandlers,
  type WatchOptions,
} from '../../electron/engine/scan/folder-watcher.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import type { SyncError } from '../../electron/engine/sync-error.js';
import { makeTempDir } from '../support/temp-dir.js';
import { conditionWaiters } from '../support/condition-waiters.js';
import { FakeClock } from '../support/fake-clock.js';

// Events take a few milliseconds; the generous limit only matters on a starved CI machine.
const WAIT_MS = 5_000;

let base: string;
let root: string;
let removeBase: () => Promise<void>;
let watchers: FolderWatcher[];

beforeEach(async () => {
  ({ path: base, remove: removeBase } = await makeTempDir('hoist-watch-'));
  root = join(base, 'folder');
  await mkdir(root);
  watchers = [];
});

afterEach(async () => {
  await Promise.all(watchers.map((watcher) => watcher.close()));
  await removeBase();
});

/** Records what the watcher reports and lets a test wait for a condition, not for a time. */
function recorder() {
  const hints: string[] = [];
  const rescans: string[] = [];
  const fallbacks: SyncError[] = [];
  const { notify, until } = conditionWaiters(
    WAIT_MS,
    () => `hints ${JSON.stringify(hints)}, rescans ${rescans.join(',')}`,
  );
  const handlers: WatchHandlers = {
    onHint: (path) => {
      hints.push(path);
      notify();
    },
    onRescan: (reason) => {
      rescans.push(reason);
      notify();
    },
    onFallback: (error) => {
      fallbacks.push(error);
      notify();
    },
  };
  const hinted = (path: string, times = 1) =>
    until(() => hints.filter((hint) => hint === path).length >= times, `hint for ${path}`);
  return { hints, rescans, fallbacks, handlers, until, hinted };
}

async function startWatching(options: WatchOptions & { stateDir?: string } = {}) {
  const rules = await IgnoreRules.load(root, {
    ...(options.stateDir ? { extraAbsolutePaths: [options.stateDir] } : {}),
  });
  const record = recorder();
  const watcher = watchFolder(root, rules, record.handlers, options);
  watchers.push(watcher);
  await watcher.ready;
  return { ...record, watcher, rules };
}

describe('watchFolder', () => {
  it('hints added, changed and removed files', async () => {
    await writeFile(join(root, 'existing.txt'), 'v1');
    const { hints, hinted, watcher } = await startWatching();
    expect(watcher.mode()).toBe('watching');
    expect(hints).toEqual([]); // what was there before is the walk's business

    await writeFile(join(root, 'new.txt'), 'hello');
    await hinted('new.txt');
    await appendFile(join(root, 'existing.txt'), ' and v2');
    await hinted('existing.txt');
    const before = hints.filter((hint) => hint === 'new.txt').length;
    await rm(join(root, 'new.txt'));
    await hinted('new.txt', before + 1);
  });

  it("hints a file again once a burst of writes is over, so its final version is stat'ed", async () => {
    await writeFile(join(root, 'growing.bin'), 'start');
    const { hints, until, hinted } = await startWatching();

    await appendFile(join(root, 'growing.bin'), 'first chunk');
    await hinted('growing.bin');
    // A burst's first hint is sent at once; this write, right after, must still be hinted later.
    await appendFile(join(root, 'growing.bin'), 'second chunk');
    const afterLastWrite = hints.length;
    await until(() => hints.slice(afterLastWrite).includes('growing.bin'), 'hint after the last write');
  });

  it('hints the files of directories created after the start, and later files in them', async () => {
    const { hinted } = await startWatching();

    await mkdir(join(root, 'a/b/c'), { recursive: true });
    await writeFile(join(root, 'a/b/c/first.txt'), '1');
    await hinted('a');
    // Written before the new directories were watched: found by walking them, twice.
    await hinted('a/b/c/first.txt', 2);
    // By now the new directories are watched, so a later file is an event of its own.
    await writeFile(join(root, 'a/b/c/second.txt'), '2');
    await hinted('a/b/c/second.txt');
  });

  it('asks for one rescan when a tree of directories is removed', async () => {
    await mkdir(join(root, 'tree/x/y'), { recursive: true });
    await mkdir(join(root, 'tree/z'), { recursive: true });
    await writeFile(join(root, 'tree/x/y/file.txt'), 'x');
    await writeFile(join(root, 'kept.txt'), 'x');
    const { rescans, until, hinted } = await startWatching();

    await rm(join(root, 'tree'), { recursive: true });
    await until(() => rescans.includes(RESCAN_REASONS.directoryRemoved), 'directory-removed rescan');
    await hinted('tree');
    // Some 100 ms of events later, still just the one.
    await writeFile(join(root, 'kept.txt'), 'changed');
    await hinted('kept.txt', 2);
    expect(rescans).toEqual([RESCAN_REASONS.directoryRemoved]);
  });

  it('hints both names of a renamed file or directory', async () => {
    await mkdir(join(root, 'docs'));
    await writeFile(join(root, 'docs/old.txt'), 'x');
    await writeFile(join(root, 'draft.txt'), 'x');
    const { hinted } = await startWatching();

    await rename(join(root, 'draft.txt'), join(root, 'final.txt'));
    await hinted('draft.txt');
    await hinted('final.txt');

    await rename(join(root, 'docs'), join(root, 'papers'));
    await hinted('docs');
    await hinted('papers');
  });

  it('gives no hints for ignored files, ignored directories or the state folder', async () => {
    await writeFile(join(root, '.hoistignore'), 'private/\n*.log\n');
    await mkdir(join(root, 'private'));
    const stateDir = join(root, '.hoist-state');
    await mkdir(stateDir);
    const { hints, hinted } = await startWatching({ stateDir });

    await writeFile(join(root, 'download.crdownload'), 'x');
    await writeFile(join(root, 'app.log'), 'x');
    await writeFile(join(root, 'private/secret.txt'), 'x');
    await writeFile(join(stateDir, 'state.db-wal'), 'x');
    await mkdir(join(root, 'node'), { recursive: true });
    await writeFile(join(root, 'node/.DS_Store'), 'x');
    // Written after them: two round trips give the ignored writes' events time to arrive, had
    // they not been filtered.
    await writeFile(join(root, 'private-not.txt'), 'x');
    await hinted('private-not.txt');
    await writeFile(join(root, 'node/sentinel.txt'), 'x');
    await hinted('node/sentinel.txt');

    expect(hints.filter((hint) => !['private-not.txt', 'node', 'node/sentinel.txt'].includes(hint))).toEqual(
      [],
    );
  });

  it('hints .hoistignore edits, even when it ignores itself, and refresh() watches what is no longer ignored', async () => {
    await writeFile(join(root, '.hoistignore'), '.hoistignore\nbuild/\n');
    await mkdir(join(root, 'build'));
    const { hints, hinted, rules, watcher } = await startWatching();

    await writeFile(join(root, '.hoistignore'), '.hoistignore\n');
    await hinted('.hoistignore');
    expect(await rules.reload()).toBe(true);
    await watcher.refresh();
    expect(watcher.mode()).toBe('watching');

    await writeFile(join(root, 'build/out.js'), 'x');
    await hinted('build/out.js');
    expect(hints.filter((hint) => hint.startsWith('build'))).not.toContain('build');
  });

  it('reports a vanished folder as "folder missing", never as deleted files, and resumes when it is back', async () => {
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub/a.txt'), 'a');
    await writeFile(join(root, 'b.txt'), 'b');
    const { hints, rescans, until, hinted, watcher } = await startWatching({ missingCheckIntervalMs: 50 });

    await rename(root, join(base, 'moved-away'));
    await until(() => rescans.includes(RESCAN_REASONS.folderMissing), 'folder-missing rescan');
    expect(watcher.mode()).toBe('polling');
    expect(hints).toEqual([]);

    await rename(join(base, 'moved-away'), root);
    await until(() => rescans.includes(RESCAN_REASONS.folderBack), 'folder-back rescan');
    expect(watcher.mode()).toBe('watching');
    await writeFile(join(root, 'after.txt'), 'x');
    await hinted('after.txt');
  });

  it('notices a folder deleted outright', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    const { rescans, until } = await startWatching();

    await rm(root, { recursive: true });
    await until(() => rescans.includes(RESCAN_REASONS.folderMissing), 'folder-missing rescan');
  });

  it('starts in "folder missing" when the folder is not there', async () => {
    await rm(root, { recursive: true });
    const { rescans, watcher } = await startWatching({ missingCheckIntervalMs: 50 });
    expect(rescans).toEqual([RESCAN_REASONS.folderMissing]);
    expect(watcher.mode()).toBe('polling');
  });
});

/**
 * THE ONE MOCK in these tests: a watcher that fails with ENOSPC. The real failure needs the
 * system's inotify watch limit (fs.inotify.max_user_watches) to be exhausted, which a test cannot
 * do to a shared machine; everything else here uses real files and the real watcher (DirectoryWatcher,
 * whose own tests inject ENOSPC into fs.watch instead: test/integration/directory-watcher.test.ts).
 */
describe('falling back to periodic rescans (injected watcher)', () => {
  class FailingWatcher extends EventEmitter {
    closed = 0;
    async close(): Promise<void> {
      this.closed++;
    }
  }

  function injected(): { fake: FailingWatcher; attached: Promise<void>; options: WatchOptions } {
    const fake = new FailingWatcher();
    let created: () => void = () => {};
    const attached = new Promise<void>((resolve) => (created = resolve));
    // The watcher's listeners are attached in the same synchronous step that creates it.
    const createWatcher = () => {
      queueMicrotask(created);
      return fake;
    };
    return { fake, attached, options: { createWatcher } };
  }

  function watchError(code: string, path?: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${code}: watch failed`), { code, ...(path ? { path } : {}) });
  }

  it('on ENOSPC: closes the watcher, tells the user once and rescans every 60 s', async () => {
    const clock = new FakeClock();
    const { fake, attached, options } = injected();
    const { fallbacks, rescans, until, watcher } = startWatchingUnready({ ...options, clock });
    await attached;
    fake.emit('ready');
    await watcher.ready;
    expect(watcher.mode()).toBe('watching');

    fake.emit('error', watchError('ENOSPC'));
    fake.emit('error', watchError('ENOSPC'));
    await until(() => fallbacks.length > 0, 'fallback');

    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({
      category: 'local-file',
      retryable: false,
      message:
        "Hoist cannot watch this folder for changes (the system's limit on watched folders was reached), so it rescans every 60 seconds instead. To watch in real time, raise fs.inotify.max_user_watches.",
      detail: 'ENOSPC: watch failed',
    });
    expect(fake.closed).toBe(1);
    expect(watcher.mode()).toBe('polling');
    expect(rescans).toEqual([RESCAN_REASONS.watchFailed]); // events may have been missed

    await clock.advance(59_999);
    expect(rescans).toHaveLength(1);
    await clock.advance(1);
    await clock.advance(60_000);
    expect(rescans).toEqual([RESCAN_REASONS.watchFailed, RESCAN_REASONS.periodic, RESCAN_REASONS.periodic]);

    await watcher.close();
    await clock.advance(600_000);
    expect(rescans).toHaveLength(3);
  });

  it('falls back before ready too, and ignores a permission error on a subfolder', async () => {
    const { fake, attached, options } = injected();
    const { fallbacks, rescans, watcher } = startWatchingUnready({ ...options, rescanIntervalMs: 3_600_000 });
    await attached;

    fake.emit('error', watchError('EACCES', join(root, 'locked-subfolder')));
    fake.emit('error', watchError('EMFILE'));
    await watcher.ready; // released by the fallback; the watcher never said 'ready'

    expect(fallbacks.map((error) => error.message)).toEqual([
      'Hoist cannot watch this folder for changes (too many files are open on this computer), so it rescans every 3600 seconds instead. Closing other apps and restarting Hoist lets it watch in real time again.',
    ]);
    expect(rescans).toEqual([RESCAN_REASONS.watchFailed]);
  });

  function startWatchingUnready(options: WatchOptions) {
    const record = recorder();
    const watcher = watchFolder(root, { ignores: () => false }, record.handlers, options);
    watchers.push(watcher);
    return { ...record, watcher };
  }
});
