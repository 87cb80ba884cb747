import { rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IgnoreRules } from '../../electron/engine/scan/ignore-rules.js';
import { EngineHarness } from '../support/engine-harness.js';

// `.hoistignore` is Hoist's control file, not a document: never uploaded. A copy an earlier version
// uploaded stays on the remote, neither deleted (not even with mirrored deletions on) nor replaced.

/**
 * The engine as versions before this rule ran it: the same rules, except that the folder's
 * `.hoistignore` was an ordinary file and so was uploaded.
 */
function asAnEarlierVersion(): () => void {
  const ignores = IgnoreRules.prototype.ignores;
  const spy = vi.spyOn(IgnoreRules.prototype, 'ignores').mockImplementation(function (
    this: IgnoreRules,
    path: string,
    isDirectory: boolean,
  ) {
    return path === '.hoistignore' ? false : ignores.call(this, path, isDirectory);
  });
  return () => spy.mockRestore();
}

describe('.hoistignore on the remote', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    vi.restoreAllMocks();
    await harness.close();
  });

  it('a new folder with a .hoistignore syncs everything else and never uploads it', async () => {
    harness = await EngineHarness.create();
    await harness.write('.hoistignore', '*.log\n');
    await harness.write('notes.md', 'notes');
    await harness.write('debug.log', 'left out');
    await harness.write('sub/.hoistignore', 'a document that happens to have this name');

    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(await harness.remotePaths()).toEqual(['notes.md', 'sub/.hoistignore']);
    expect(harness.state.files.get('.hoistignore')).toBeNull();

    // Edited (and so hinted, and rescanned) later: still never uploaded.
    const puts = harness.count('object.put');
    await writeFile(harness.path('.hoistignore'), '*.log\n*.bak\n');
    await harness.engine.applyIgnoreRules();
    await harness.runOnce();
    expect(harness.count('object.put')).toBe(puts);
    expect(await harness.remotePaths()).toEqual(['notes.md', 'sub/.hoistignore']);
  });

  it('a pair that uploaded it before keeps that copy: not deleted with mirrored deletions on, not re-uploaded when edited', async () => {
    harness = await EngineHarness.create();
    await harness.write('.hoistignore', '*.log\n');
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await harness.write(name, name);
    const restore = asAnEarlierVersion();
    await harness.runOnce();
    restore();
    expect(await harness.remotePaths()).toEqual(['.hoistignore', 'a.txt', 'b.txt', 'c.txt']);
    const copy = (await harness.remote()).find((entry) => entry.name === '.hoistignore');
    const puts = harness.count('object.put');

    await harness.restart({ settings: { mirrorDeletions: true } });
    await writeFile(harness.path('.hoistignore'), '*.log\n*.bak\n');
    const summary = await harness.runOnce();
    expect(summary.deletions.kind).toBe('none');
    expect(harness.count('alloy.delete')).toBe(0);
    expect(harness.count('object.put')).toBe(puts);
    expect(await harness.remotePaths()).toEqual(['.hoistignore', 'a.txt', 'b.txt', 'c.txt']);
    expect((await harness.storedBytes(copy?.key ?? '')).toString()).toBe('*.log\n');
    // No longer tracked, so nothing will ever act on it; the other files are as they were.
    expect(harness.state.files.get('.hoistignore')).toBeNull();
    expect(harness.engine.status().counts).toMatchObject({ total: 3, synced: 3, deleted: 0 });
  });

  it('a pair whose uploaded .hoistignore was deleted, not yet mirrored, does not delete the copy once it is ignored', async () => {
    harness = await EngineHarness.create();
    await harness.write('.hoistignore', '*.log\n');
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await harness.write(name, name);
    const restore = asAnEarlierVersion();
    await harness.runOnce();
    await rm(harness.path('.hoistignore'));
    await harness.runOnce();
    restore();
    expect(harness.state.files.get('.hoistignore')?.state).toBe('deleted');

    await harness.restart({ settings: { mirrorDeletions: true } });
    const summary = await harness.runOnce();
    expect(summary.deletions.kind).toBe('none');
    expect(harness.count('alloy.delete')).toBe(0);
    expect(await harness.remotePaths()).toEqual(['.hoistignore', 'a.txt', 'b.txt', 'c.txt']);
    expect(harness.state.files.get('.hoistignore')).toBeNull();
  });
});
