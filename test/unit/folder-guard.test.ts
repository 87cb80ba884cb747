import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsafeFolderReason } from '../../electron/host/folder-guard.js';
import { describeMeasure, measureFolder } from '../../electron/host/large-folder.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('the folders Hoist refuses, on each platform', () => {
  const linux = { home: '/home/ann', dataRoot: '/home/ann/.local/share/hoist', platform: 'linux' as const };
  const mac = {
    home: '/Users/ann',
    dataRoot: '/Users/ann/Library/Application Support/Hoist',
    platform: 'darwin' as const,
  };
  const windows = {
    home: 'C:\\Users\\ann',
    dataRoot: 'C:\\Users\\ann\\AppData\\Roaming\\Hoist',
    platform: 'win32' as const,
  };

  it('refuses the disk, home and above, system folders and Hoist’s data; allows folders of files', () => {
    const refused = (folder: string, context: typeof linux | typeof mac | typeof windows): string =>
      unsafeFolderReason(folder, context) ?? 'allowed';
    expect(refused('/', linux)).toMatch(/whole disk/);
    expect(refused('/home/ann', linux)).toMatch(/whole home folder/);
    expect(refused('/home', linux)).toMatch(/holds your home folder/);
    expect(refused('/home/ann/.local', linux)).toMatch(/holds Hoist’s own data folder/);
    expect(refused('/home/ann/.local/share/hoist/remote', linux)).toMatch(/inside Hoist’s own data/);
    expect(refused('/proc/1', linux)).toMatch(/system folder/);
    expect(refused('/var', linux)).toMatch(/system folder/);
    expect(refused('/var/www', linux)).toBe('allowed');
    expect(refused('/srv/data', linux)).toBe('allowed');
    expect(refused('/home/ann/Documents', linux)).toBe('allowed');

    expect(refused('/Users/Ann', mac)).toMatch(/whole home folder/);
    expect(refused('/System/Library', mac)).toMatch(/system folder/);
    expect(refused('/Users/ann/Library/Application Support', mac)).toMatch(/holds Hoist’s own data/);
    expect(refused('/Users/ann/Documents', mac)).toBe('allowed');

    expect(refused('C:\\', windows)).toMatch(/whole disk/);
    expect(refused('D:\\', windows)).toMatch(/whole disk/);
    expect(refused('c:\\windows\\System32', windows)).toMatch(/system folder/);
    expect(refused('C:\\Users', windows)).toMatch(/holds your home folder/);
    expect(refused('C:\\Users\\ann\\Documents', windows)).toBe('allowed');
  });
});

describe('measuring a folder for the large-folder question', () => {
  it('counts every file below the limits, and stops past them saying “more than”', async () => {
    const temp = await makeTempDir('hoist-measure-');
    try {
      for (const folder of ['a', 'b', 'c']) {
        await mkdir(join(temp.path, folder), { recursive: true });
        for (let n = 0; n < 4; n++) await writeFile(join(temp.path, folder, `${n}.txt`), 'x'.repeat(100));
      }
      const all = await measureFolder(temp.path, { files: 100, bytes: 10_000 });
      expect(all).toEqual({ files: 12, bytes: 1200, complete: true });
      expect(describeMeasure(all)).toBe('12 files, 1.2 kB');
      const stopped = await measureFolder(temp.path, { files: 5, bytes: 10_000 });
      // Stopped after the second folder: the third was never read.
      expect(stopped).toEqual({ files: 8, bytes: 800, complete: false });
      expect(describeMeasure(stopped)).toBe('more than 8 files (800 bytes so far)');
      const cancelled = new AbortController();
      cancelled.abort();
      expect(
        await measureFolder(temp.path, { files: 100, bytes: 10_000 }, { signal: cancelled.signal }),
      ).toEqual({ files: 0, bytes: 0, complete: false });
    } finally {
      await temp.remove();
    }
  });
});
