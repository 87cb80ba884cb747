import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_IGNORES, builtInNameTest } from '../../electron/engine/scan/built-in-ignores.js';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { makeTempDir } from '../support/temp-dir.js';

let root: string;
let removeRoot: () => Promise<void>;

beforeEach(async () => {
  ({ path: root, remove: removeRoot } = await makeTempDir('hoist-ignore-'));
});

afterEach(async () => {
  await removeRoot();
});

const load = (options: Parameters<typeof IgnoreRules.load>[1] = {}) =>
  IgnoreRules.load(root, { ignoreCase: false, ...options });

describe('built-in rules', () => {
  it.each([
    'notes.txt.swp',
    'deep/dir/.notes.txt.swo',
    'notes.txt~',
    '.#notes.txt',
    '#notes.txt#',
    '~$report.docx',
    '.~lock.report.odt#',
    'movie.mp4.crdownload',
    'big.iso.part',
    'big.iso.partial',
    'page.download',
    'scratch.tmp',
    '.DS_Store',
    'photos/._IMG_0001.jpg',
    'Thumbs.db',
    'ehthumbs.db',
    'desktop.ini',
    '.Trash-1000/old.txt',
    '$RECYCLE.BIN/S-1-5/file.txt',
    '.fseventsd/0001',
    '.Spotlight-V100/Store-V2/x',
  ])('ignores the file %s', async (path) => {
    expect((await load()).ignores(path, false)).toBe(true);
  });

  it.each(['$RECYCLE.BIN', '.Trash-1000', 'nested/.Trash-0', '.fseventsd', '.Spotlight-V100', 'x.download'])(
    'ignores the directory %s',
    async (path) => {
      expect((await load()).ignores(path, true)).toBe(true);
    },
  );

  it.each([
    'notes.txt',
    'report.docx',
    // Only the folder's own .hoistignore is Hoist's control file; one further down is a document.
    'sub/.hoistignore',
    '.gitignore',
    '.git/config',
    'partial.txt',
    'tmp/file.txt',
    'swp',
    // Directory-only rules do not catch a file of that name.
    '.Trash-1000',
    '.fseventsd',
  ])('keeps %s', async (path) => {
    expect((await load()).ignores(path, false)).toBe(false);
  });

  it('never ignores the folder itself', async () => {
    expect((await load()).ignores('', true)).toBe(false);
  });

  it('gives the same verdicts as the ignore library, in both case modes', () => {
    const names = [
      ...BUILT_IN_IGNORES.map((pattern) => pattern.replace(/\\/g, '').replace(/\*/g, 'x').replace(/\/$/, '')),
      ...BUILT_IN_IGNORES.map((pattern) => pattern.replace(/\\/g, '').replace(/\*/g, '').replace(/\/$/, '')),
      'THUMBS.DB',
      'Desktop.INI',
      'FILE.TMP',
      'a.Swp',
      '.ds_store',
      '.trash-1000',
      '$recycle.bin',
      '#',
      '##',
      '#a',
      'a#',
      '~',
      '~$',
      '.~lock.#',
      '.~lock.x',
      '.part',
      'part',
      'apart',
      'x.parts',
      'x.tmp.txt',
      '.tmpx',
      'report.docx',
      'naïve.txt',
    ];
    for (const ignoreCase of [false, true]) {
      const library = ignore({ ignoreCase }).add([...BUILT_IN_IGNORES]);
      const fast = builtInNameTest(ignoreCase);
      for (const name of names) {
        for (const isDirectory of [false, true]) {
          const expected = library.ignores(isDirectory ? `${name}/` : name);
          expect(
            fast(name, isDirectory),
            `${name} (directory: ${isDirectory}, ignoreCase: ${ignoreCase})`,
          ).toBe(expected);
        }
      }
    }
  });

  it('matches case-insensitively only when asked', async () => {
    expect((await load({ ignoreCase: false })).ignores('THUMBS.DB', false)).toBe(false);
    expect((await load({ ignoreCase: true })).ignores('THUMBS.DB', false)).toBe(true);
    expect((await load({ ignoreCase: true })).ignores('Report.TMP', false)).toBe(true);
  });
});

describe('.hoistignore', () => {
  it('applies gitignore syntax, after the built-ins', async () => {
    await writeFile(
      join(root, '.hoistignore'),
      [
        '# build output',
        'build/',
        '/top-only.txt',
        '*.log',
        '!keep.log',
        '!*.tmp',
        'docs/**/draft-*.md',
        '',
      ].join('\n'),
    );
    const rules = await load();
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('build/out/app.js', false)).toBe(true);
    expect(rules.ignores('src/build', true)).toBe(true);
    expect(rules.ignores('build', false)).toBe(false); // a file named build
    expect(rules.ignores('top-only.txt', false)).toBe(true);
    expect(rules.ignores('sub/top-only.txt', false)).toBe(false);
    expect(rules.ignores('server.log', false)).toBe(true);
    expect(rules.ignores('keep.log', false)).toBe(false);
    expect(rules.ignores('scratch.tmp', false)).toBe(false); // a built-in brought back
    expect(rules.ignores('docs/a/b/draft-1.md', false)).toBe(true);
    expect(rules.ignores('docs/final.md', false)).toBe(false);
    expect(rules.ignores('# build output', false)).toBe(false); // a comment, not a pattern
  });

  it('cannot bring back a file inside an ignored directory, as in git', async () => {
    await writeFile(join(root, '.hoistignore'), 'cache/\n!cache/keep.txt\n!.Trash-1000/keep.txt\n');
    const rules = await load();
    expect(rules.ignores('cache/keep.txt', false)).toBe(true);
    expect(rules.ignores('.Trash-1000/keep.txt', false)).toBe(true);
  });

  it('can bring back a built-in directory', async () => {
    await writeFile(join(root, '.hoistignore'), '!.Trash-*/\n');
    const rules = await load();
    expect(rules.ignores('.Trash-1000', true)).toBe(false);
    expect(rules.ignores('.Trash-1000/old.txt', false)).toBe(false);
  });

  it('reads CRLF line endings and a byte-order mark', async () => {
    await writeFile(join(root, '.hoistignore'), '\uFEFFsecret.txt\r\n*.bak\r\n');
    const rules = await load();
    expect(rules.ignores('secret.txt', false)).toBe(true);
    expect(rules.ignores('a/old.bak', false)).toBe(true);
    expect(rules.describe().filter((rule) => rule.source === 'hoistignore')).toEqual([
      { pattern: 'secret.txt', source: 'hoistignore', negated: false },
      { pattern: '*.bak', source: 'hoistignore', negated: false },
    ]);
  });

  it('compares names without regard to Unicode normalization, keeping paths as they are', async () => {
    const composed = 'Caf\u00e9';
    const decomposed = 'Cafe\u0301';
    await writeFile(join(root, '.hoistignore'), `${decomposed}/\n`);
    const rules = await load();
    expect(rules.ignores(composed, true)).toBe(true);
    expect(rules.ignores(`${decomposed}/menu.txt`, false)).toBe(true);
    expect(rules.ignores(`${composed}.txt`, false)).toBe(false);
  });

  it('is optional', async () => {
    const rules = await load();
    // No rules of the person's: the built-in list, and the rule leaving .hoistignore itself out.
    expect(rules.describe().every((rule) => rule.source !== 'hoistignore')).toBe(true);
    expect(rules.describe().map((rule) => rule.pattern)).toEqual([...BUILT_IN_IGNORES, '/.hoistignore']);
  });

  it('fails clearly when it cannot be read', async () => {
    await mkdir(join(root, '.hoistignore'));
    const failure = await load().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyncError);
    expect((failure as SyncError).category).toBe('config');
    expect((failure as SyncError).path).toBe('.hoistignore');
    expect((failure as SyncError).message).toMatch(/cannot read the ignore rules .* it is a folder/);
  });

  it('refuses a .hoistignore that is a link, and does not take the rules of the file it points at', async () => {
    const { path: outside, remove } = await makeTempDir('hoist-ignore-outside-');
    try {
      await writeFile(join(outside, 'rules'), '*\n');
      await symlink(join(outside, 'rules'), join(root, '.hoistignore'));
      const failure = await load().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SyncError);
      expect((failure as SyncError).category).toBe('config');
      expect((failure as SyncError).message).toMatch(
        /cannot read the ignore rules .* it is a symbolic link, and Hoist never follows links/,
      );
    } finally {
      await remove();
    }
  });
});

describe('reload', () => {
  it('reports whether the rules changed, and applies the new ones', async () => {
    await writeFile(join(root, '.hoistignore'), '*.log\n');
    const rules = await load();
    expect(rules.ignores('app.log', false)).toBe(true);

    expect(await rules.reload()).toBe(false);
    await writeFile(join(root, '.hoistignore'), '# only a comment more\n*.log\n\n');
    expect(await rules.reload()).toBe(false);

    await writeFile(join(root, '.hoistignore'), '*.log\nprivate/\n');
    expect(await rules.reload()).toBe(true);
    expect(rules.ignores('private', true)).toBe(true);
    expect(rules.ignores('private/a.txt', false)).toBe(true);

    await writeFile(join(root, '.hoistignore'), '');
    expect(await rules.reload()).toBe(true);
    // The directory verdict cached above must not outlive the rule.
    expect(rules.ignores('private/a.txt', false)).toBe(false);
    expect(rules.ignores('app.log', false)).toBe(false);
  });

  it('keeps the previous rules when the file becomes unreadable', async () => {
    await writeFile(join(root, '.hoistignore'), '*.log\n');
    const rules = await load();
    await rm(join(root, '.hoistignore'));
    await mkdir(join(root, '.hoistignore'));
    await expect(rules.reload()).rejects.toBeInstanceOf(SyncError);
    expect(rules.ignores('app.log', false)).toBe(true);
  });
});

describe('the folder’s .hoistignore itself', () => {
  it('is never synced, whatever its own rules say, but one in a subfolder is an ordinary file', async () => {
    await writeFile(join(root, '.hoistignore'), '!.hoistignore\n!/.hoistignore\n*.log\n');
    const rules = await load();
    expect(rules.ignores('.hoistignore', false)).toBe(true);
    expect(rules.ignores('sub/.hoistignore', false)).toBe(false);
    expect(rules.ignores('.hoistignore.bak', false)).toBe(false);
    expect(rules.ignores('app.log', false)).toBe(true);
    expect(rules.describe().at(-1)).toEqual({
      pattern: '/.hoistignore',
      source: 'hoist-control',
      negated: false,
    });
  });

  it('is left out under any spelling of its name where names ignore case', async () => {
    expect((await load({ ignoreCase: true })).ignores('.HoistIgnore', false)).toBe(true);
    expect((await load({ ignoreCase: false })).ignores('.HoistIgnore', false)).toBe(false);
  });

  it('is left out when there is no .hoistignore yet (the window may write one at any time)', async () => {
    expect((await load()).ignores('.hoistignore', false)).toBe(true);
  });
});

describe("Hoist's own state folder", () => {
  it('is never synced when it lies inside the folder, whatever .hoistignore says', async () => {
    await writeFile(join(root, '.hoistignore'), '!.hoist/\n!.hoist/**\n');
    const rules = await load({ extraAbsolutePaths: [join(root, '.hoist'), '/somewhere/else'] });
    expect(rules.ignores('.hoist', true)).toBe(true);
    expect(rules.ignores('.hoist/state.db-wal', false)).toBe(true);
    expect(rules.ignores('.hoister', true)).toBe(false);
    expect(rules.describe().filter((rule) => rule.source === 'hoist-state')).toEqual([
      { pattern: '/.hoist', source: 'hoist-state', negated: false },
    ]);
  });

  it('is recognised when the folder is reached through a symlink', async () => {
    const real = join(root, 'real');
    await mkdir(join(real, 'state'), { recursive: true });
    await symlink(real, join(root, 'link'));
    const rules = await IgnoreRules.load(join(root, 'link'), { extraAbsolutePaths: [join(real, 'state')] });
    expect(rules.ignores('state/db', false)).toBe(true);
  });

  it('cannot be the folder itself', async () => {
    await expect(load({ extraAbsolutePaths: [root] })).rejects.toMatchObject({ category: 'config' });
  });
});
