import { spawnSync } from 'node:child_process';
import { chmod, lstat, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import ignore from 'ignore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkRefusedError } from '../../electron/base/link-safe-file.js';
import { exactIgnoreRule } from '../../electron/engine/scan/exact-ignore-rule.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { HandlerError } from '../../electron/host/bridge/handler-error.js';
import {
  addExactRules,
  hoistignorePath,
  readHoistignore,
  writeHoistignore,
} from '../../electron/host/hoistignore-file.js';
import { makeTempDir } from '../support/temp-dir.js';

// The window's reads and writes of .hoistignore, on real files: a link is never followed, a write
// replaces the file whole, and "add it to .hoistignore" writes exactly the rule for the file shown.

let folder: string;
let outside: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  const made = await makeTempDir('hoist-ignorefile-');
  const beside = await makeTempDir('hoist-ignorefile-outside-');
  folder = made.path;
  outside = beside.path;
  cleanups.push(made.remove, beside.remove);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('a .hoistignore that is a symbolic link', () => {
  it('is neither read nor written through, and the file it points at is untouched', async () => {
    const target = join(outside, 'private-notes.txt');
    await writeFile(target, 'my private notes\n');
    await chmod(target, 0o600);
    const before = await stat(target);
    await symlink(target, hoistignorePath(folder));

    await expect(readHoistignore(folder)).rejects.toThrow(LinkRefusedError);
    await expect(readHoistignore(folder)).rejects.toThrow(
      /\.hoistignore is a symbolic link; Hoist never follows links in a synced folder/,
    );
    await expect(writeHoistignore(folder, '*\n')).rejects.toThrow(LinkRefusedError);
    await expect(addExactRules(folder, ['a.txt'])).rejects.toThrow(LinkRefusedError);

    expect(await readFile(target, 'utf8')).toBe('my private notes\n');
    const after = await stat(target);
    expect([after.mtimeMs, after.mode, after.ino]).toEqual([before.mtimeMs, before.mode, before.ino]);
    expect((await lstat(hoistignorePath(folder))).isSymbolicLink()).toBe(true);
    expect(await readdir(folder)).toEqual(['.hoistignore']);
  });

  it('is refused even when it points at a file inside the folder', async () => {
    await writeFile(join(folder, 'rules.txt'), '*.log\n');
    await symlink('rules.txt', hoistignorePath(folder));
    await expect(readHoistignore(folder)).rejects.toThrow(LinkRefusedError);
    await expect(writeHoistignore(folder, '*\n')).rejects.toThrow(LinkRefusedError);
    expect(await readFile(join(folder, 'rules.txt'), 'utf8')).toBe('*.log\n');
  });
});

describe('reading and writing', () => {
  it('reads a missing file as no rules, and a FIFO or folder is refused instead of waited on', async () => {
    expect(await readHoistignore(folder)).toBe('');
    expect(spawnSync('mkfifo', [hoistignorePath(folder)]).status).toBe(0);
    await expect(readHoistignore(folder)).rejects.toThrow(/is not a regular file/);
    await expect(writeHoistignore(folder, 'x\n')).rejects.toThrow(/is not a regular file/);
  });

  it('replaces the file whole through a rename, keeping its permissions and leaving no temporary file', async () => {
    await writeFile(hoistignorePath(folder), 'old\n');
    await chmod(hoistignorePath(folder), 0o640);
    const before = await stat(hoistignorePath(folder));
    await writeHoistignore(folder, 'new\n');
    const after = await stat(hoistignorePath(folder));
    expect(await readFile(hoistignorePath(folder), 'utf8')).toBe('new\n');
    expect(after.mode & 0o777).toBe(0o640);
    // A new inode: the old file was replaced, not rewritten in place (a crash leaves one or the other).
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(folder)).toEqual(['.hoistignore']);
  });
});

/** A relative, '/'-separated path of a file: no empty, `.` or `..` segment. */
function validPath(path: string): boolean {
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

describe('adding a file to .hoistignore', () => {
  it('refuses a name with a line break, naming it, and writes nothing', async () => {
    await writeFile(hoistignorePath(folder), '*.log\n');
    const failure = await addExactRules(folder, ['ok.txt', 'notes\n!*.secret', 'cr\rname']).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(HandlerError);
    expect((failure as HandlerError).code).toBe('invalid-request');
    expect((failure as HandlerError).message).toBe(
      '“notes\\n!*.secret” has a line break in its name, which a .hoistignore rule cannot hold. Nothing was deleted: rename the file, or delete it without adding it to .hoistignore.',
    );
    expect(await readFile(hoistignorePath(folder), 'utf8')).toBe('*.log\n');
    await expect(addExactRules(folder, ['cr\rname'])).rejects.toThrow(/“cr\\rname” has a line break/);
  });

  it('appends each rule once, after text that had no final newline', async () => {
    await writeFile(hoistignorePath(folder), '# mine\n*.log');
    expect(await addExactRules(folder, ['a b ', 'x*y', 'a b '])).toBe(2);
    expect(await addExactRules(folder, ['x*y'])).toBe(0);
    expect(await readFile(hoistignorePath(folder), 'utf8')).toBe('# mine\n*.log\n/a b\\ \n/x\\*y\n');
  });

  it('writes, for names full of pattern characters, a rule that leaves out that file and no other', async () => {
    // Names built from the characters gitignore gives a meaning to, checked with the `ignore` library
    // the engine matches with, against the other generated names and near neighbours of each.
    const special = fc.constantFrom(
      '*',
      '?',
      '[',
      ']',
      '\\',
      '!',
      '#',
      ' ',
      '/',
      'a',
      'b',
      '.',
      '**',
      '{',
      '}',
    );
    const name = fc
      .array(special, { minLength: 1, maxLength: 8 })
      .map((parts) => parts.join(''))
      .filter(validPath);
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), (names) => {
        const rules = names.map((path) => exactIgnoreRule(path));
        const others = ['a', 'b', 'ab', 'a.b', 'x', ' ', 'a/b', '#', '!', '\\'];
        for (const [index, path] of names.entries()) {
          const matcher = ignore().add(`${rules[index]}\n`);
          expect(matcher.ignores(path), `${rules[index]} for ${path}`).toBe(true);
          const neighbours = [
            ...names,
            ...others,
            `${path}a`,
            `a${path}`,
            path.trimEnd(),
            path.replace(/\\/g, ''),
          ];
          for (const other of neighbours) {
            if (other === path || !validPath(other)) continue;
            // The rule may leave out what is inside the path (if it were a folder); nothing else.
            if (other.startsWith(`${path}/`)) continue;
            expect(matcher.ignores(other), `${rules[index]} also matched ${other}`).toBe(false);
          }
        }
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('writes a rule the engine reads back as exactly that file', async () => {
    const names = ['#notes.txt', '!important', 'star*.txt', 'odd [1].txt', 'trailing  ', 'back\\slash'];
    expect(await addExactRules(folder, names)).toBe(names.length);
    const rules = await IgnoreRules.load(folder, { ignoreCase: false });
    for (const path of names) expect(rules.ignores(path, false), path).toBe(true);
    for (const path of [
      'notes.txt',
      'important',
      'star.txt',
      'starx.txt',
      'odd 1.txt',
      'trailing',
      'backslash',
    ])
      expect(rules.ignores(path, false), path).toBe(false);
  });
});
