import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderRowKey } from '../../shared/remote-browse.js';
import { decodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type { RemoteEntry } from '../../electron/engine/remote/remote-provider.js';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { makeTempDir } from '../support/temp-dir.js';

// The remote list as people browse it (issue 16): natural order from SQLite, and folders derived
// from display paths (a name's U+2215 read as '/'), a real state DB filled the way a refresh fills it.

const SLASH = '\u2215';
const NAMES = [
  'clip-10.txt',
  'clip-2.txt',
  'Clip-3.txt',
  `docs${SLASH}a.md`,
  `docs${SLASH}sub${SLASH}b.md`,
  `docs${SLASH}sub${SLASH}c.md`,
  `photos${SLASH}x1.jpg`,
  `photos 2${SLASH}y.jpg`,
];

describe('browsing the remote mirror', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let state: PairState;
  beforeEach(async () => {
    temp = await makeTempDir('hoist-browse-');
    state = openPairState(`${temp.path}/state.db`);
    const entries: RemoteEntry[] = NAMES.map((name, index) => ({
      key: `k${index}`,
      name,
      size: 100 * (index + 1),
      lastModified: 1_000_000 + index,
      md5: null,
      sha256: null,
    }));
    const staged = state.mirror.beginListing(decodeRemoteName);
    staged.add(entries);
    state.transaction(() => state.mirror.replaceWith(staged, null, 0));
    staged.discard();
  });
  afterEach(async () => {
    state.close();
    await temp.remove();
  });

  const paths = (query: Parameters<PairState['browse']['page']>[0]): string[] =>
    state.browse.page(query).items.map((row) => (row.folder ? `${row.displayPath}/` : row.displayPath));

  it('sorts names naturally, in the order Intl.Collator gives, on every page', () => {
    const all = paths({ offset: 0, limit: 100 });
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    expect(all).toEqual([...all].sort(collator.compare));
    expect(all.slice(0, 3)).toEqual(['clip-2.txt', 'Clip-3.txt', 'clip-10.txt']);
    // Paged, the pages join up to the same order; descending is its reverse.
    const paged = [0, 3, 6].flatMap((offset) => paths({ offset, limit: 3 }));
    expect(paged).toEqual(all);
    expect(paths({ offset: 0, limit: 100, descending: true })).toEqual([...all].reverse());
  });

  it('shows one folder at a time, its subfolders first with what they hold', () => {
    const top = state.browse.page({ offset: 0, limit: 100, folder: '' });
    expect(top.total).toBe(6);
    expect(paths({ offset: 0, limit: 100, folder: '' })).toEqual([
      'docs/',
      'photos/',
      'photos 2/',
      'clip-2.txt',
      'Clip-3.txt',
      'clip-10.txt',
    ]);
    const docs = top.items[0];
    expect(docs?.key).toBe(folderRowKey('docs'));
    expect(docs?.folder).toEqual({ path: 'docs', files: 3 });
    expect(docs?.size).toBe(400 + 500 + 600);
    expect(paths({ offset: 0, limit: 100, folder: 'docs' })).toEqual(['docs/sub/', 'docs/a.md']);
    expect(paths({ offset: 0, limit: 100, folder: 'docs/sub' })).toEqual(['docs/sub/b.md', 'docs/sub/c.md']);
    // A page across the end of the folders and the start of the files.
    expect(paths({ offset: 2, limit: 2, folder: '' })).toEqual(['photos 2/', 'clip-2.txt']);
    // By size, largest first: folders by what they hold, then files.
    expect(paths({ offset: 0, limit: 3, folder: '', sort: 'size', descending: true })).toEqual([
      'docs/',
      'photos 2/',
      'photos/',
    ]);
    // A file added to the mirror shows in the folder view at once (its folders are not kept stale).
    state.mirror.upsertOne(
      { key: 'k-new', name: `new${SLASH}z.txt`, size: 1, lastModified: 1, md5: null, sha256: null },
      'new/z.txt',
      2,
    );
    expect(paths({ offset: 0, limit: 4, folder: '' })).toEqual(['docs/', 'new/', 'photos/', 'photos 2/']);
    // A search is flat, across folders, whatever folder is open (whole paths in natural order).
    expect(paths({ offset: 0, limit: 100, folder: 'docs', search: '.jpg' })).toEqual([
      'photos 2/y.jpg',
      'photos/x1.jpg',
    ]);
  });

  it('selects a folder as a whole, for the delete confirmation', () => {
    expect(state.browse.keys({ kind: 'keys', keys: [], folders: ['docs'] })).toEqual(['k3', 'k4', 'k5']);
    expect(state.browse.summary({ kind: 'keys', keys: ['k0'], folders: ['docs/sub'] })).toMatchObject({
      count: 3,
      bytes: 100 + 500 + 600,
    });
    // "photos" is not "photos 2": a folder is its path and a '/'.
    expect(state.browse.keys({ kind: 'keys', keys: [], folders: ['photos'] })).toEqual(['k6']);
    // All in a folder but one of its subfolders.
    expect(state.browse.keys({ kind: 'query', folder: 'docs', exceptFolders: ['docs/sub'] })).toEqual(['k3']);
  });
});
