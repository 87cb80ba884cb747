import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import ignore from 'ignore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkRefusedError } from '../../electron/base/link-safe-file.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { HandlerError } from '../../electron/host/bridge/handler-error.js';
import { exclusionOf, ruleFor } from '../../electron/host/selective-sync-rules.js';
import { exclude, include, readExclusions } from '../../electron/host/selective-sync.js';
import { makeTempDir } from '../support/temp-dir.js';

// The window's "exclude this subfolder / this file type", on real files: what it writes to
// .hoistignore, that the engine's own rules then leave out exactly that, and that the person's own
// lines are never touched.

let folder: string;
let removeFolder: () => Promise<void>;

beforeEach(async () => {
  ({ path: folder, remove: removeFolder } = await makeTempDir('hoist-selective-'));
});

afterEach(async () => {
  await removeFolder();
});

const hoistignore = (): Promise<string> => readFile(join(folder, '.hoistignore'), 'utf8');
const engineRules = (): Promise<IgnoreRules> => IgnoreRules.load(folder, { ignoreCase: false });

const SECTION = [
  '# Hoist: left out with a click in the window. Hoist adds and removes the',
  '# rules between this line and the end line; your own rules belong outside.',
];
const END = '# Hoist: end of the rules left out with a click.';

describe('excluding', () => {
  it('writes a rooted folder rule in its own section, after the person’s lines, which stay as they were', async () => {
    const own = '# my rules\n*.log\n!keep.log\n';
    await writeFile(join(folder, '.hoistignore'), own);
    await mkdir(join(folder, 'photos/raw'), { recursive: true });

    const result = await exclude(folder, { path: 'photos/raw' });

    expect(result).toEqual({ paths: ['photos/raw'], fileTypes: [], note: null });
    expect(await hoistignore()).toBe(`${own}\n${[...SECTION, '/photos/raw/', END].join('\n')}\n`);
    expect(await readExclusions(folder)).toEqual({ paths: ['photos/raw'], fileTypes: [] });
    const rules = await engineRules();
    expect(rules.ignores('photos/raw', true)).toBe(true);
    expect(rules.ignores('photos/raw/img.cr2', false)).toBe(true);
    expect(rules.ignores('photos/rawer/img.cr2', false)).toBe(false);
    expect(rules.ignores('other/photos/raw/img.cr2', false)).toBe(false);
    expect(rules.ignores('app.log', false)).toBe(true);
  });

  it('writes a file type in both cases, so CLIP.MP4 is left out on a case-sensitive system too', async () => {
    const result = await exclude(folder, { fileType: '.MP4' });
    expect(result.fileTypes).toEqual(['mp4']);
    expect(await hoistignore()).toBe(`${[...SECTION, '*.[mM][pP]4', END].join('\n')}\n`);
    const rules = await engineRules();
    for (const path of ['clip.mp4', 'CLIP.MP4', 'deep/down/Clip.Mp4'])
      expect(rules.ignores(path, false)).toBe(true);
    for (const path of ['clip.mp4.txt', 'mp4', 'clip.mp3']) expect(rules.ignores(path, false)).toBe(false);
  });

  it('writes an exact rule without a trailing slash for a file, or a name not in the folder yet', async () => {
    await mkdir(join(folder, 'notes'));
    await writeFile(join(folder, 'notes/a.txt'), 'a');
    await exclude(folder, { path: 'notes/a.txt' });
    await exclude(folder, { path: '/later/' });
    expect(await hoistignore()).toContain('\n/notes/a.txt\n/later\n');
    expect(await readExclusions(folder)).toEqual({ paths: ['notes/a.txt', 'later'], fileTypes: [] });
  });

  it('escapes names with gitignore’s special characters, so the rule leaves out that name and no other', async () => {
    const names = ['a*b', 'q?', '[draft]', '#hash', '!bang', 'trailing ', 'back\\slash', 'café ☕'];
    for (const name of names) await exclude(folder, { path: `odd/${name}` });
    expect((await readExclusions(folder)).paths).toEqual(names.map((name) => `odd/${name}`));
    const rules = await engineRules();
    for (const name of names) expect(rules.ignores(`odd/${name}`, false), name).toBe(true);
    for (const other of ['aXb', 'qq', 'd', 'hash', 'bang', 'trailing', 'backslash', 'back\\slashy'])
      expect(rules.ignores(`odd/${other}`, false), other).toBe(false);
  });

  it('writes nothing when it is already excluded with a click', async () => {
    await exclude(folder, { fileType: 'mp4' });
    const before = await hoistignore();
    expect(await exclude(folder, { fileType: 'MP4' })).toEqual({ paths: [], fileTypes: ['mp4'], note: null });
    expect(await hoistignore()).toBe(before);
  });

  it('keeps every one of several clicks made at once', async () => {
    const names = Array.from({ length: 12 }, (_, index) => `folder-${index}`);
    await Promise.all(names.map((path) => exclude(folder, { path })));
    expect((await readExclusions(folder)).paths.sort()).toEqual([...names].sort());
  });

  it('keeps a CRLF file CRLF and a byte-order mark where it was', async () => {
    await writeFile(join(folder, '.hoistignore'), '\uFEFF*.log\r\nbuild/\r\n');
    await exclude(folder, { path: 'videos' });
    expect(await hoistignore()).toBe(
      `\uFEFF*.log\r\nbuild/\r\n\r\n${[...SECTION, '/videos', END].join('\r\n')}\r\n`,
    );
    expect((await readExclusions(folder)).paths).toEqual(['videos']);
  });

  it.each([
    [{}, /Choose either/],
    [{ path: 'a', fileType: 'mp4' }, /Choose either/],
    [{ path: '' }, /is not a subfolder or file/],
    [{ path: '../outside' }, /is not a subfolder or file/],
    [{ path: 'a//b' }, /is not a subfolder or file/],
    [{ path: 'a/./b' }, /is not a subfolder or file/],
    [{ path: 'two\nlines' }, /“two\\nlines” has a line break/],
    [{ path: '.hoistignore' }, /Hoist’s own file/],
    [{ fileType: '' }, /is not a file type/],
    [{ fileType: 'a/b' }, /is not a file type/],
    [{ fileType: 'm p4' }, /is not a file type/],
    [{ fileType: '..mp4' }, /is not a file type/],
  ])('refuses %o with a sentence, writing nothing', async (request, message) => {
    await writeFile(join(folder, '.hoistignore'), '*.log\n');
    const failure = await exclude(folder, request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HandlerError);
    expect(failure).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(message) });
    expect(await hoistignore()).toBe('*.log\n');
  });

  it('refuses a .hoistignore that is a link, and writes nothing through it', async () => {
    await writeFile(join(folder, 'elsewhere.txt'), 'mine\n');
    await symlink('elsewhere.txt', join(folder, '.hoistignore'));
    await expect(exclude(folder, { path: 'a' })).rejects.toBeInstanceOf(LinkRefusedError);
    await expect(readExclusions(folder)).rejects.toBeInstanceOf(LinkRefusedError);
    expect(await readFile(join(folder, 'elsewhere.txt'), 'utf8')).toBe('mine\n');
  });
});

describe('including again', () => {
  it('removes Hoist’s rule, and the section with its last rule, leaving the person’s text as it was', async () => {
    const own = '# my rules\n*.log\n';
    await writeFile(join(folder, '.hoistignore'), own);
    await exclude(folder, { path: 'photos' });
    await exclude(folder, { fileType: 'mp4' });

    expect(await include(folder, { path: 'photos' })).toEqual({ paths: [], fileTypes: ['mp4'], note: null });
    expect(await hoistignore()).toBe(`${own}\n${[...SECTION, '*.[mM][pP]4', END].join('\n')}\n`);
    expect(await include(folder, { fileType: 'mp4' })).toEqual({ paths: [], fileTypes: [], note: null });
    expect(await hoistignore()).toBe(own);
    expect((await engineRules()).ignores('photos/a.mp4', false)).toBe(false);
  });

  it('leaves the person’s own edits inside the section alone', async () => {
    await exclude(folder, { path: 'a' });
    await writeFile(
      join(folder, '.hoistignore'),
      (await hoistignore()).replace('/a\n', '/a\n# why: too big\n*.iso\n'),
    );
    await include(folder, { path: 'a' });
    expect(await hoistignore()).toBe(`${[...SECTION, '# why: too big', '*.iso', END].join('\n')}\n`);
    expect(await readExclusions(folder)).toEqual({ paths: [], fileTypes: [] });
  });

  it('says which of the person’s own rules still leaves it out', async () => {
    await writeFile(join(folder, '.hoistignore'), 'node_modules/\n*.log\n');
    await mkdir(join(folder, 'web/node_modules/pkg'), { recursive: true });
    await exclude(folder, { path: 'web/node_modules/pkg' });
    const result = await include(folder, { path: 'web/node_modules/pkg' });
    expect(result.paths).toEqual([]);
    expect(result.note).toBe(
      '“web/node_modules/pkg” is still left out by your own rule “node_modules/” in .hoistignore. Edit that rule to sync it.',
    );
    expect((await include(folder, { fileType: 'log' })).note).toBe(
      'Files of type .log are still left out by your own rule “*.log” in .hoistignore. Edit that rule to sync them.',
    );
  });

  it('says when a folder it is in, or its type, is still excluded with a click', async () => {
    await mkdir(join(folder, 'media/clips'), { recursive: true });
    await exclude(folder, { path: 'media' });
    await exclude(folder, { path: 'media/clips' });
    expect((await include(folder, { path: 'media/clips' })).note).toBe(
      '“media/clips” is still left out: the folder “media” it is in is excluded. Include that folder again to sync it.',
    );
    await exclude(folder, { fileType: 'mp4' });
    await exclude(folder, { path: 'best.mp4' });
    expect((await include(folder, { path: 'best.mp4' })).note).toMatch(/files of type \.mp4 are excluded/);
  });

  it('says when Hoist’s built-in rules leave it out', async () => {
    await exclude(folder, { fileType: 'tmp' });
    expect((await include(folder, { fileType: 'tmp' })).note).toMatch(
      /^Files of type \.tmp are still left out: Hoist never syncs temporary and system files/,
    );
  });

  it('of something not excluded with a click changes nothing', async () => {
    await writeFile(join(folder, '.hoistignore'), 'build/\n');
    expect(await include(folder, { path: 'src' })).toEqual({ paths: [], fileTypes: [], note: null });
    expect(await hoistignore()).toBe('build/\n');
  });
});

describe('the rule lines', () => {
  const segment = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
    .filter((name) => !/[/\r\n\0]/.test(name) && name !== '.' && name !== '..');

  it('read back as the path they were written for, and match that path and no sibling', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.boolean(), (parts, isFolder) => {
        const path = parts.join('/');
        const rule = ruleFor({ kind: 'path', path }, isFolder);
        expect(rule).not.toBeNull();
        expect(exclusionOf(rule!)).toEqual({ kind: 'path', path });
        const matcher = ignore().add(rule!);
        expect(matcher.ignores(isFolder ? `${path}/` : path)).toBe(true);
        expect(matcher.ignores(`${path}x`)).toBe(false);
        expect(matcher.ignores(`x/${path}`)).toBe(false);
      }),
    );
  });

  it('read back the file type they were written for', () => {
    const type = fc
      .string({ minLength: 1, maxLength: 6 })
      .map((text) => text.toLowerCase())
      .filter((text) => !/[\s/\\\0]/.test(text) && !text.startsWith('.'));
    fc.assert(
      fc.property(type, (fileType) => {
        const rule = ruleFor({ kind: 'type', fileType }, false);
        expect(exclusionOf(rule!)).toEqual({ kind: 'type', fileType });
        expect(ignore().add(rule!).ignores(`name.${fileType}`)).toBe(true);
      }),
    );
  });

  it('are not taken for the person’s own patterns', () => {
    for (const line of ['*.log', 'build/', '/src/*.js', '*.[ab]', '/a b ', '!/x', '# c'])
      expect(exclusionOf(line), line).toBeNull();
  });
});
