import { execFile, execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkFolder as walkFolderAnyWay, type WalkedFile } from '../../electron/engine/scan/folder-walker.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { onNetworkFileSystem } from '../../electron/engine/scan/walk-start.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { makeTempDir } from '../support/temp-dir.js';

const POSIX = process.platform !== 'win32';

let root: string;
let removeRoot: () => Promise<void>;

beforeEach(async () => {
  ({ path: root, remove: removeRoot } = await makeTempDir('hoist-walk-'));
});

afterEach(async () => {
  await chmod(root, 0o700).catch(() => undefined);
  await removeRoot();
});

async function put(path: string, content = 'x'): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

const paths = (files: WalkedFile[]): string[] => files.map((file) => file.path).sort();

/** Rules that record every question, to see what the walk looked at. */
function spyOn(rules: IgnoreRules): { rules: Pick<IgnoreRules, 'ignores'>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    rules: {
      ignores: (path, isDirectory) => {
        asked.push(path);
        return rules.ignores(path, isDirectory);
      },
    },
  };
}

// The walk takes the kernel's cached answers synchronously and moves to libuv's pool when calls are
// slow (folder-walker.ts); every behaviour below holds in each way, and across the switch.
const WAYS = [
  { way: 'synchronous calls', slowCallMicros: Number.POSITIVE_INFINITY },
  { way: "libuv's pool", slowCallMicros: 0 },
  { way: 'synchronous, then the pool from the first check', slowCallMicros: 1e-9 },
] as const;

describe.each(WAYS)('walkFolder, $way', ({ slowCallMicros }) => {
  const walkFolder: typeof walkFolderAnyWay = (folder, rules, options = {}) =>
    walkFolderAnyWay(folder, rules, { slowCallMicros, ...options });

  it('lists regular files with their relative path and stat key', async () => {
    await put('top.txt', 'hello');
    await put('a/b/c/deep.bin', 'deeper content');
    await put('a/sibling.md', '');
    await mkdir(join(root, 'empty/dir'), { recursive: true });

    const files = await walkFolder(root, await IgnoreRules.load(root));

    expect(paths(files)).toEqual(['a/b/c/deep.bin', 'a/sibling.md', 'top.txt']);
    for (const file of files) {
      const info = lstatSync(join(root, ...file.path.split('/')));
      expect(file.stat).toEqual({ size: info.size, mtimeMs: info.mtimeMs, inode: info.ino });
    }
  });

  it('leaves out ignored files and does not descend into ignored directories', async () => {
    await put('.hoistignore', 'node_modules/\n*.log\n');
    await put('keep.txt');
    await put('debug.log');
    await put('draft.docx.tmp');
    await put('node_modules/pkg/index.js');
    await put('src/node_modules/pkg/index.js');
    await put('.Trash-1000/files/old.txt');
    const { rules, asked } = spyOn(await IgnoreRules.load(root));

    const files = await walkFolder(root, rules);

    // .hoistignore itself is Hoist's control file, never synced.
    expect(paths(files)).toEqual(['keep.txt']);
    expect(asked).toContain('node_modules');
    expect(asked.filter((path) => path.includes('node_modules/') || path.startsWith('.Trash-1000/'))).toEqual(
      [],
    );
  });

  it.skipIf(!POSIX)('skips symlinks, FIFOs and sockets instead of following or reading them', async () => {
    const outside = await makeTempDir('hoist-outside-');
    let server: Server | undefined;
    try {
      await writeFile(join(outside.path, 'secret.txt'), 'not in the folder');
      await put('real.txt');
      await symlink(join(outside.path, 'secret.txt'), join(root, 'file-link'));
      await symlink(outside.path, join(root, 'dir-link'));
      await symlink(join(root, 'nowhere'), join(root, 'dangling'));
      await mkdir(join(root, 'loop'));
      await symlink(join(root, 'loop'), join(root, 'loop', 'again'));
      execFileSync('mkfifo', [join(root, 'pipe')]);
      server = createServer();
      await new Promise<void>((resolve) => server!.listen(join(root, 'socket'), resolve));

      const files = await walkFolder(root, await IgnoreRules.load(root));

      expect(paths(files)).toEqual(['real.txt']);
    } finally {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await outside.remove();
    }
  });

  it('keeps names exactly as the file system has them: NFC and NFD twins are two files', async () => {
    const composed = 'caf\u00e9.txt';
    const decomposed = 'cafe\u0301.txt';
    await put(composed, 'composed');
    await put(decomposed, 'decomposed');
    const files = await walkFolder(root, await IgnoreRules.load(root));
    // A file system that normalizes names (some macOS volumes) keeps only one of the two.
    const expected = lstatSync(join(root, decomposed)).ino === lstatSync(join(root, composed)).ino ? 1 : 2;
    expect(files).toHaveLength(expected);
    expect(files.every((file) => file.path === composed || file.path === decomposed)).toBe(true);
    if (expected === 2) expect(paths(files)).toEqual([composed, decomposed].sort());
  });

  it.skipIf(process.platform !== 'linux')('reports a name that is not valid UTF-8 and goes on', async () => {
    await put('fine.txt');
    // Bytes 0xff 0xfe can never appear in UTF-8; Linux allows them in a name.
    await writeFile(
      Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]),
      'x',
    );
    await put('real-\uFFFD-replacement-char.txt');
    const errors: Array<{ path: string; code: string | undefined }> = [];

    const files = await walkFolder(root, await IgnoreRules.load(root), {
      onError: (path, error) => errors.push({ path, code: error.code }),
    });

    expect(paths(files)).toEqual(['fine.txt', 'real-\uFFFD-replacement-char.txt']);
    // The bytes that are not UTF-8 are kept exactly, as lone surrogates (shared/file-name-bytes.ts).
    expect(errors).toEqual([{ path: 'bad-\uDCFF\uDCFE.txt', code: 'EILSEQ' }]);
  });

  it.skipIf(!POSIX)('reports unreadable directories through onError and walks the rest', async () => {
    await put('open/a.txt');
    await put('locked/b.txt');
    await put('z.txt');
    await chmod(join(root, 'locked'), 0o000);
    await chmod(root, 0o755);

    const outcome = await walkUnprivileged(root, slowCallMicros);

    expect(outcome.files).toEqual(['open/a.txt', 'z.txt']);
    expect(outcome.errors).toEqual([{ path: 'locked', code: 'EACCES' }]);
    await chmod(join(root, 'locked'), 0o755);
  });

  it('throws, rather than returning nothing, when the folder itself is missing', async () => {
    const failure = await walkFolder(join(root, 'gone'), await IgnoreRules.load(root)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SyncError);
    expect(failure).toMatchObject({ category: 'local-file', reason: 'folder-missing', retryable: true });
  });

  it('walks only a subtree when asked, with paths still relative to the folder', async () => {
    await put('a/one.txt');
    await put('a/b/two.txt');
    await put('a/b/skip.tmp');
    await put('c/three.txt');
    await mkdir(join(root, 'real'));
    await put('real/inside.txt');
    await symlink(join(root, 'real'), join(root, 'via-link'));
    const rules = await IgnoreRules.load(root);

    expect(paths(await walkFolder(root, rules, { under: 'a' }))).toEqual(['a/b/two.txt', 'a/one.txt']);
    expect(paths(await walkFolder(root, rules, { under: 'a/b' }))).toEqual(['a/b/two.txt']);
    expect(paths(await walkFolder(root, rules, { under: 'a/one.txt' }))).toEqual(['a/one.txt']);
    expect(await walkFolder(root, rules, { under: 'a/b/skip.tmp' })).toEqual([]);
    expect(await walkFolder(root, rules, { under: 'not/there' })).toEqual([]);
    expect(await walkFolder(root, rules, { under: 'via-link' })).toEqual([]);
    await expect(walkFolder(root, rules, { under: '../etc' })).rejects.toThrow(RangeError);
  });

  it('finds all of 20,000 files in a nested tree, at any concurrency', async () => {
    const expected: string[] = [];
    for (let a = 0; a < 20; a++) {
      for (let b = 0; b < 10; b++) {
        const dir = `d${a}/e${b}`;
        mkdirSync(join(root, dir), { recursive: true });
        for (let i = 0; i < 100; i++) {
          const path = `${dir}/file-${i}.txt`;
          expected.push(path);
          // Synchronous on purpose: 20,000 promises would make the setup, not the walk, the slow part.
          writeFileSync(join(root, path), String(i));
        }
      }
    }
    const rules = await IgnoreRules.load(root);

    const files = await walkFolder(root, rules);
    expect(files).toHaveLength(20_000);
    expect(paths(files)).toEqual(expected.sort());
    expect(new Set(files.map((file) => file.stat.inode)).size).toBe(20_000);
    const sample = files.find((file) => file.path === 'd7/e3/file-42.txt');
    expect(sample?.stat.size).toBe(2);

    expect(paths(await walkFolder(root, rules, { concurrency: 1 }))).toEqual(expected);
  }, 120_000);

  it('lets the event loop run while it walks', async () => {
    for (let a = 0; a < 40; a++) {
      mkdirSync(join(root, `d${a}`));
      for (let i = 0; i < 250; i++) writeFileSync(join(root, `d${a}`, `f${i}`), '');
    }
    let turns = 0;
    let walking = true;
    const tick = (): void => {
      turns++;
      if (walking) setImmediate(tick);
    };
    setImmediate(tick);
    const files = await walkFolder(root, { ignores: () => false });
    walking = false;
    expect(files).toHaveLength(10_000);
    // 10,000 stats take tens of ms in any way; the loop turned in between.
    expect(turns).toBeGreaterThan(1);
  }, 60_000);
});

/**
 * Permissions do not stop root, and tests often run as root (CI containers): then the walk runs in
 * a child process without root's read-anything capabilities, which the locked directory does stop.
 */
async function walkUnprivileged(
  folder: string,
  slowCallMicros: number,
): Promise<{ files: string[]; errors: Array<{ path: string; code: string | undefined }> }> {
  const walker = fileURLToPath(new URL('../../electron/engine/scan/folder-walker.ts', import.meta.url));
  const script = `
    const { walkFolder } = await import(${JSON.stringify(walker)});
    const errors = [];
    const files = await walkFolder(${JSON.stringify(folder)}, { ignores: () => false }, {
      slowCallMicros: ${slowCallMicros === Number.POSITIVE_INFINITY ? 'Infinity' : String(slowCallMicros)},
      onError: (path, error) => errors.push({ path, code: error.code }),
    });
    console.log(JSON.stringify({ files: files.map((file) => file.path).sort(), errors }));`;
  if (process.getuid?.() !== 0) {
    const errors: Array<{ path: string; code: string | undefined }> = [];
    const files = await walkFolderAnyWay(
      folder,
      { ignores: () => false },
      {
        slowCallMicros,
        onError: (path, error) => errors.push({ path, code: error.code }),
      },
    );
    return { files: paths(files), errors };
  }
  const [command, ...prefixArgs] = [...unprivilegedPrefix(), process.execPath];
  const { stdout } = await promisify(execFile)(
    command as string,
    [...prefixArgs, '--import', 'tsx', '--input-type=module', '--eval', script],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
  );
  return JSON.parse(stdout) as { files: string[]; errors: Array<{ path: string; code: string | undefined }> };
}

describe('onNetworkFileSystem', () => {
  // The other answer needs an NFS, SMB, 9P or FUSE mount, which this machine has none of.
  it('says no for a folder on a local disk or in memory, so the walk may make synchronous calls there', async () => {
    expect(await onNetworkFileSystem(root)).toBe(false);
    expect(await onNetworkFileSystem('/dev/shm')).toBe(false);
    expect(await onNetworkFileSystem(join(root, 'not-there'))).toBe(false);
  });
});
