import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { makeTempDir } from '../support/temp-dir.js';

const hex = (text: string): string => createHash('md5').update(text).digest('hex');
const STAT = { size: 2500, mtimeMs: 1_700_000_000_123.5, inode: 42 };
const PARTS = { partBytes: 1000, md5s: [hex('a'), hex('b'), hex('c')] };

/** The part MD5s kept in the state DB for uploads in parts (issue 19, part-hashes.ts). */
describe('part hashes in the state DB', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let state: PairState;
  beforeEach(async () => {
    dir = await makeTempDir('hoist-part-hashes-');
    state = openPairState(join(dir.path, 'state.db'));
  });
  afterEach(async () => {
    state.close();
    await dir.remove();
  });

  it('gives them back only for the same stat, file MD5 and part size', () => {
    state.partHashes.keep('video.bin', STAT, hex('file'), PARTS);

    expect(state.partHashes.get('video.bin', STAT, hex('file'), 1000)).toEqual(PARTS.md5s);
    expect(
      state.partHashes.get('video.bin', { ...STAT, mtimeMs: STAT.mtimeMs + 1 }, hex('file'), 1000),
    ).toBeNull();
    expect(state.partHashes.get('video.bin', STAT, hex('other'), 1000)).toBeNull();
    expect(state.partHashes.get('video.bin', STAT, hex('file'), 2000)).toBeNull();
    expect(state.partHashes.get('other.bin', STAT, hex('file'), 1000)).toBeNull();
  });

  it('prunes the rows of files no upload waits for: gone, synced or hashed to other content', () => {
    const md5 = hex('file');
    for (const path of ['waiting.bin', 'deleted.bin', 'rehashed.bin', 'untracked.bin']) {
      state.files.markSeen(path, path, STAT, 1);
      state.files.recordHash(path, STAT, path === 'rehashed.bin' ? hex('new') : md5, null, 2);
      state.partHashes.keep(path, STAT, md5, PARTS);
    }
    state.files.markDeleted('deleted.bin', 3);
    state.files.remove('untracked.bin');

    state.partHashes.prune();

    expect(state.partHashes.get('waiting.bin', STAT, md5, 1000)).toEqual(PARTS.md5s);
    for (const path of ['deleted.bin', 'rehashed.bin', 'untracked.bin']) {
      expect(state.partHashes.get(path, STAT, md5, 1000)).toBeNull();
    }
  });
});
