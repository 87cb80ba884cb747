import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { exclude, include } from '../../electron/host/selective-sync.js';
import { EngineHarness } from '../support/engine-harness.js';
import { until } from '../support/poll-until.js';
import { uploadFromElsewhere } from '../support/upload-from-elsewhere.js';

// Selective sync through a watching engine and the real reference server: excluding a subfolder
// (written by selective-sync.ts, picked up from the watcher's hint alone) leaves its remote copies
// where they are, even with mirrored deletions on, and nothing written in it reaches the remote
// until it is included again.

describe('excluding a subfolder while watching', { timeout: 120_000 }, () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  const remoteHas = async (path: string): Promise<boolean> => (await harness.remotePaths()).includes(path);

  it('keeps its remote copies, never uploads what is written in it, and syncs it again once included', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    await harness.write('top.txt', 'top');
    await harness.write('sub/a.txt', 'a, first');
    await harness.write('sub/deep/b.txt', 'b');
    await harness.engine.start();
    await until('the folder is on the remote', async () => (await harness.remotePaths()).length === 3);
    const copyOfA = (await harness.remote()).find((entry) => entry.name === 'sub∕a.txt');

    await exclude(harness.root, { path: 'sub' });
    // The engine hears of the new .hoistignore from the watcher and stops tracking sub/.
    await until('the engine applies the new rule', () => harness.state.files.get('sub/a.txt') === null);
    expect(harness.state.files.get('sub/deep/b.txt')).toBeNull();

    await harness.write('sub/new.txt', 'never uploaded while excluded');
    await writeFile(harness.path('sub/a.txt'), 'a, changed while excluded');
    await harness.write('later.txt', 'after the exclusion');
    await until('a file outside sub/ is uploaded', () => remoteHas('later.txt'));
    await harness.engine.syncNow();

    expect(await harness.remotePaths()).toEqual(['later.txt', 'sub/a.txt', 'sub/deep/b.txt', 'top.txt']);
    expect(harness.count('alloy.delete')).toBe(0);
    expect((await harness.storedBytes(copyOfA?.key ?? '')).toString()).toBe('a, first');
    expect(harness.state.files.get('sub/new.txt')).toBeNull();

    expect((await include(harness.root, { path: 'sub' })).note).toBeNull();
    await until('sub/new.txt is uploaded once included', () => remoteHas('sub/new.txt'));
    await until(
      'the changed sub/a.txt is synced',
      () => harness.state.files.get('sub/a.txt')?.state === 'synced',
    );
    const copies = await harness.remote();
    const a = copies.find((entry) => entry.name === 'sub∕a.txt');
    expect((await harness.storedBytes(a?.key ?? '')).toString()).toBe('a, changed while excluded');
    // Its own copy, replaced: not "a file this folder did not upload" (excluded-copies.ts).
    expect(harness.engine.conflicts()).toEqual([]);
    expect(copies.filter((entry) => entry.name === 'sub∕a.txt')).toHaveLength(1);
    expect(harness.state.files.get('sub/deep/b.txt')?.state).toBe('synced');
    expect(harness.count('alloy.delete')).toBe(0);
  });

  it('included again, a file whose copy someone else replaced meanwhile is a conflict, not an overwrite', async () => {
    harness = await EngineHarness.create();
    await harness.write('sub/a.txt', 'mine');
    await harness.runOnce();
    await exclude(harness.root, { path: 'sub' });
    await harness.engine.applyIgnoreRules();
    await harness.runOnce();
    expect(harness.state.files.get('sub/a.txt')).toBeNull();

    await uploadFromElsewhere(harness.provider, 'sub∕a.txt', 'another client’s version');
    await writeFile(harness.path('sub/a.txt'), 'mine, edited while excluded');
    await include(harness.root, { path: 'sub' });
    await harness.engine.applyIgnoreRules();
    await harness.runOnce();

    expect(harness.state.files.get('sub/a.txt')).toMatchObject({
      state: 'conflict',
      conflictKind: 'replaced-on-remote',
    });
    const copy = (await harness.remote()).find((entry) => entry.name === 'sub∕a.txt');
    expect((await harness.storedBytes(copy?.key ?? '')).toString()).toBe('another client’s version');
  });
});
