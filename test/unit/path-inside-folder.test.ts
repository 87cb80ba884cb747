import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathInsideFolder } from '../../electron/base/path-inside-folder.js';

// "Show in folder" names a file by its folder-relative path; whatever the platform, nothing outside the
// synced folder may come out. Both rule sets run here whatever this machine is, through path.win32 and
// path.posix (pure string functions, the same ones Node uses on each platform).

describe('on Windows (path.win32)', () => {
  const folder = 'C:\\Users\\ana\\Hoist';
  const inside = (relative: string) => pathInsideFolder(folder, relative, path.win32);

  it('resolves a plain relative path, written with either separator', () => {
    expect(inside('notes.txt')).toBe('C:\\Users\\ana\\Hoist\\notes.txt');
    expect(inside('Docs/2024/report.pdf')).toBe('C:\\Users\\ana\\Hoist\\Docs\\2024\\report.pdf');
    expect(inside('Docs\\report.pdf')).toBe('C:\\Users\\ana\\Hoist\\Docs\\report.pdf');
  });

  it.each([
    '..\\secret.txt',
    'Docs\\..\\..\\secret.txt',
    'a/..\\..\\b',
    '..',
    '.',
    'C:\\Windows\\System32\\cmd.exe',
    'D:secret.txt',
    '\\\\server\\share\\file.txt',
    '\\Windows\\win.ini',
    '/Windows/win.ini',
    'a\\\\b',
    '',
    'a\0b',
  ])('refuses %j', (relative) => {
    expect(inside(relative)).toBeNull();
  });
});

describe('on Linux and macOS (path.posix)', () => {
  const folder = '/home/ana/Hoist';
  const inside = (relative: string) => pathInsideFolder(folder, relative, path.posix);

  it('resolves a plain relative path; a backslash is part of a name there, not a separator', () => {
    expect(inside('Docs/report.pdf')).toBe('/home/ana/Hoist/Docs/report.pdf');
    expect(inside('..\\not-a-climb.txt')).toBe('/home/ana/Hoist/..\\not-a-climb.txt');
    expect(inside('..foo')).toBe('/home/ana/Hoist/..foo');
  });

  it.each(['../secret.txt', 'Docs/../../secret.txt', '/etc/passwd', 'a/./b', 'a//b', '..', '.', '', 'a\0b'])(
    'refuses %j',
    (relative) => {
      expect(inside(relative)).toBeNull();
    },
  );

  it('resolves a folder given with a trailing separator or unnormalised the same way', () => {
    expect(pathInsideFolder('/home/ana/Hoist/', 'a.txt', path.posix)).toBe('/home/ana/Hoist/a.txt');
    expect(pathInsideFolder('/home/ana/x/../Hoist', 'a.txt', path.posix)).toBe('/home/ana/Hoist/a.txt');
    expect(pathInsideFolder('/', 'etc/passwd', path.posix)).toBe('/etc/passwd');
  });
});
