import { rm, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

let harness: EngineHarness;

describe('local deletions', () => {
  afterEach(async () => {
    await harness.close();
  });

  it('by default keep the remote copy and show the file as deleted locally', async () => {
    harness = await EngineHarness.create();
    await harness.write('keep.txt', 'keep');
    await harness.write('gone.txt', 'gone');
    await harness.runOnce();
    await rm(harness.path('gone.txt'));
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(summary.deletions.kind).toBe('none');
    expect(harness.count('alloy.delete')).toBe(0);
    expect(await harness.remotePaths()).toEqual(['gone.txt', 'keep.txt']);
    expect(harness.engine.status().counts).toMatchObject({ total: 1, synced: 1, deleted: 1 });
    const gone = harness.state.browse.page({ offset: 0, limit: 100, search: 'gone' }).items;
    expect(gone).toEqual([
      expect.objectContaining({ displayPath: 'gone.txt', deletedLocally: true, origin: 'this-folder' }),
    ]);
  });

  it('with mirrored deletions on, delete the remote copy', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await harness.write(name, name);
    await harness.runOnce();
    await rm(harness.path('b.txt'));
    const summary = await harness.runOnce();
    expect(summary.deletions).toEqual({ kind: 'applied', deleted: 1, failed: 0 });
    expect(await harness.remotePaths()).toEqual(['a.txt', 'c.txt', 'd.txt']);
    expect(harness.engine.status().counts).toMatchObject({ total: 3, deleted: 0 });
  });

  it('refuse a mass deletion (more than half the files) until it is confirmed', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (let index = 0; index < 10; index++) await harness.write(`f${index}.txt`, `file ${index}`);
    await harness.runOnce();
    for (let index = 0; index < 6; index++) await rm(harness.path(`f${index}.txt`));
    const summary = await harness.runOnce();
    expect(summary.deletions.kind).toBe('refused-mass-deletion');
    expect(summary.problems.map((problem) => problem.message).join('\n')).toMatch(
      /6 of 10 files disappeared/,
    );
    expect(harness.count('alloy.delete')).toBe(0);
    expect(await harness.remotePaths()).toHaveLength(10);

    const confirmed = await harness.engine.confirmDeletions();
    expect(confirmed).toEqual({ kind: 'applied', deleted: 6, failed: 0 });
    expect((await harness.remotePaths()).sort()).toEqual(['f6.txt', 'f7.txt', 'f8.txt', 'f9.txt']);
  });

  it('a vanished folder changes nothing, locally or remotely', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (let index = 0; index < 3; index++) await harness.write(`f${index}.txt`, `file ${index}`);
    await harness.runOnce();
    await rm(harness.root, { recursive: true });
    const summary = await harness.runOnce();
    expect(summary.problems.map((problem) => problem.message).join('\n')).toMatch(/is missing/);
    expect(harness.engine.status().counts).toMatchObject({ total: 3, synced: 3, deleted: 0 });
    expect(harness.count('alloy.delete')).toBe(0);
    expect(await harness.remotePaths()).toHaveLength(3);
  });

  it('an emptied folder (an unmounted disk looks like this) is a mass deletion, refused', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (let index = 0; index < 4; index++) await harness.write(`dir/f${index}.txt`, `file ${index}`);
    await harness.runOnce();
    await rm(harness.path('dir'), { recursive: true });
    const summary = await harness.runOnce();
    expect(summary.deletions.kind).toBe('refused-mass-deletion');
    expect(await harness.remotePaths()).toHaveLength(4);
  });
});

/**
 * Four files, with mirrored deletions; a.txt is rewritten (and recorded as the watcher records a write)
 * the moment its first version's PUT has landed, then `after` runs. Returns a function restoring send.
 */
async function rewriteWhileSending(after: () => Promise<void> = async () => {}): Promise<() => void> {
  harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
  for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await harness.write(name, `${name} v1`);
  const provider = harness.provider;
  const send = provider.send.bind(provider);
  let rewritten = false;
  provider.send = async (ticket, file, body, signal) => {
    const key = await send(ticket, file, body, signal);
    if (file.path === 'a.txt' && !rewritten) {
      rewritten = true;
      await harness.write('a.txt', 'a.txt, version two, longer');
      const info = await stat(harness.path('a.txt'));
      const seen = { size: info.size, mtimeMs: info.mtimeMs, inode: info.ino };
      harness.state.files.markSeen('a.txt', 'a.txt', seen, Date.now());
      await after();
    }
    return key;
  };
  return () => {
    provider.send = send;
  };
}

describe('a file that changes while its upload is on the wire', () => {
  afterEach(async () => {
    await harness.close();
  });

  // Seen in the churn test (1 run in ~5): a file modified while its first version was being sent, then
  // deleted. The first version's copy is ours, so deleting the file deletes it; it used to stay on the
  // remote for good, because the synced record was refused (the hash it named was gone) and nothing
  // else said the copy was this folder's.
  it('still records the copy it sent as its own, so a later deletion removes it', async () => {
    const restore = await rewriteWhileSending();
    await harness.runOnce();
    restore();
    // The second version went up too (the same key: the copy is ours to replace).
    expect(await harness.storedBytes(harness.state.files.get('a.txt')?.remoteKey ?? '')).toEqual(
      Buffer.from('a.txt, version two, longer'),
    );

    await rm(harness.path('a.txt'));
    const summary = await harness.runOnce();
    expect(summary.deletions).toEqual({ kind: 'applied', deleted: 1, failed: 0 });
    expect(await harness.remotePaths()).toEqual(['b.txt', 'c.txt', 'd.txt']);
  });

  it('deleted before its second version was sent: the first version’s copy goes too', async () => {
    // And gone before the engine looks again.
    const restore = await rewriteWhileSending(() => rm(harness.path('a.txt')));
    const first = await harness.runOnce();
    restore();
    // Applied by the run that saw it go (its end) or the next: either way, once.
    const second = await harness.runOnce();
    expect([first.deletions, second.deletions]).toContainEqual({ kind: 'applied', deleted: 1, failed: 0 });
    expect(harness.count('alloy.delete')).toBe(1);
    expect(await harness.remotePaths()).toEqual(['b.txt', 'c.txt', 'd.txt']);
  });
});
