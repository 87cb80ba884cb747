import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

// The engine side of issue 15: a SQLite error on the state DB in the middle of a run ends that run
// (it used to become a warning per step, the run going on and ending "synced" on a state that was
// no longer the truth); and a user's deletion sends nothing for a key the mirror does not list.

let harness: EngineHarness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('a SQLite error during a run', () => {
  it('stops the run with the DB named, before any upload, and the summary says so', async () => {
    harness = await EngineHarness.create();
    for (let index = 0; index < 5; index++) await harness.write(`f${index}.txt`, `file ${index}`);
    // Another connection holds the write lock past better-sqlite3's 5 s busy wait: the engine's
    // first write of the run (the scan's) fails with SQLITE_BUSY, a SQLite error like any other.
    const holder = new Database(harness.state.file);
    holder.exec('BEGIN EXCLUSIVE');
    let outcome: string;
    try {
      outcome = await harness.runOnce().then(
        (summary) => summary.stateFailure?.message ?? 'no failure reported',
        (error: unknown) => (error as Error).message,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(outcome).toContain(`Hoist could not use its state database ${harness.state.file}`);
    expect(outcome).toContain('database is locked');
    expect(harness.state.failure?.reason).toBe('state-unusable');
    expect(harness.count('object.put')).toBe(0);
    expect(harness.engine.status().problems.map((problem) => problem.id)).toContain('state');
  }, 30_000);
});

describe('a deletion the user asks for', () => {
  it('sends nothing for keys the mirror does not list, and reports them not found', async () => {
    harness = await EngineHarness.create();
    await harness.write('kept.txt', 'kept');
    await harness.write('gone.txt', 'gone');
    const summary = await harness.runOnce();
    expect(summary.uploaded).toBe(2);
    const key = (await harness.remote()).find((entry) => entry.name === 'gone.txt')?.key ?? '';

    const results = await harness.engine.deleteRemote(['.', '..', 'a/../b', key]);
    expect(results.map((result) => [result.deleted, result.notFound === true])).toEqual([
      [false, true],
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(results[0]?.message).toMatch(/^No file on This computer has this key/);
    expect(harness.count('alloy.delete')).toBe(1);
    expect(await harness.remotePaths()).toEqual(['kept.txt']);
  });
});
