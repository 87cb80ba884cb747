import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../electron/base/clock.js';
import { EngineHarness } from '../support/engine-harness.js';

// The mass-deletion guard counts what disappeared within a minute, never a backlog, and never a
// move; what it holds stays held until the user confirms or refuses (issue 11).

/** The system clock, moved forward on demand (the guard's minute passes without waiting for it). */
function shiftedClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { ...systemClock, now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

describe('the mass-deletion guard', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('a renamed folder holding most files is a move, not a mass deletion', async () => {
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true } });
    for (let index = 0; index < 8; index++) await harness.write(`notes/n${index}.txt`, `note ${index}`);
    await harness.write('other.txt', 'other');
    await harness.runOnce();
    await rename(harness.path('notes'), harness.path('journal'));
    const summary = await harness.runOnce();
    expect(summary.deletions).toEqual({ kind: 'applied', deleted: 8, failed: 0 });
    expect((await harness.remotePaths()).filter((path) => path.startsWith('notes/'))).toEqual([]);
    expect((await harness.remotePaths()).filter((path) => path.startsWith('journal/'))).toHaveLength(8);
  });

  it('a backlog of older deletions is not a mass deletion', async () => {
    const clock = shiftedClock();
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true }, engine: { clock } });
    for (let index = 0; index < 6; index++) await harness.write(`f${index}.txt`, `file ${index}`);
    await harness.runOnce();
    // Four went long ago (as if their remote deletions had failed until now), one by one.
    for (let index = 0; index < 4; index++) {
      await rm(harness.path(`f${index}.txt`));
      harness.state.files.markDeleted(`f${index}.txt`, clock.now() - 120_000 - index * 1000);
    }
    const summary = await harness.runOnce();
    expect(summary.deletions).toEqual({ kind: 'applied', deleted: 4, failed: 0 });
  });

  it('holds a mass deletion past its minute, until refused (copies kept) or confirmed', async () => {
    const clock = shiftedClock();
    harness = await EngineHarness.create({ settings: { mirrorDeletions: true }, engine: { clock } });
    for (let index = 0; index < 10; index++) await harness.write(`f${index}.txt`, `file ${index}`);
    await harness.runOnce();
    for (let index = 0; index < 6; index++) await rm(harness.path(`f${index}.txt`));
    expect((await harness.runOnce()).deletions.kind).toBe('refused-mass-deletion');

    clock.advance(10 * 60_000); // the minute is long gone: still held
    expect((await harness.runOnce()).deletions.kind).toBe('refused-mass-deletion');
    expect(harness.count('alloy.delete')).toBe(0);

    expect(harness.engine.refuseDeletions()).toBe(6);
    expect((await harness.runOnce()).deletions.kind).toBe('applied');
    expect(harness.count('alloy.delete')).toBe(0);
    expect(await harness.remotePaths()).toHaveLength(10);

    // Another mass deletion later, this time confirmed.
    await mkdir(join(harness.root, 'sub'));
    for (let index = 6; index < 10; index++) await rm(harness.path(`f${index}.txt`));
    await harness.write('sub/keep.txt', 'keep');
    expect((await harness.runOnce()).deletions.kind).toBe('refused-mass-deletion');
    expect(await harness.engine.confirmDeletions()).toEqual({ kind: 'applied', deleted: 4, failed: 0 });
    expect(harness.count('alloy.delete')).toBe(4);
  });
});
