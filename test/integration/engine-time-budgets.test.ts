import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness, FAST_RETRY } from '../support/engine-harness.js';

// Issue 11: time bounds for everything. A file's upload stops retrying once it has gone its budget
// without a byte accepted; a --once run stops at its time limit, cleanly, saying what it waited on.

describe('time budgets', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('a file whose ticket stays throttled is set aside after its budget, saying so, and the run ends', async () => {
    harness = await EngineHarness.create({
      engine: { retry: FAST_RETRY, fileBudgetMs: 1500 },
      server: {
        faults: { seed: 1, routes: { 'alloy.upload-request': { throttleRate: 1, retryAfterSeconds: 1 } } },
      },
    });
    await harness.write('a.txt', 'a');
    const started = Date.now();
    const summary = await harness.runOnce();
    // Two tries (at 0 s and after the 1 s asked for); a third would start past the 1.5 s budget,
    // where FAST_RETRY's 8 attempts alone would have taken 7 s.
    expect(harness.count('alloy.upload-request')).toBe(2);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(summary.unsynced).toEqual([
      {
        path: 'a.txt',
        state: 'retrying',
        message: expect.stringMatching(
          /asked Hoist to slow down \(429\); set aside after 1\.5 s of tries without progress$/,
        ) as unknown as string,
      },
    ]);
    expect(summary.timeLimit).toBeNull();
  });

  it('the time limit stops a run cleanly: nothing half-recorded, and it names what it waited on', async () => {
    // The limit must fall while the PUT hangs, not before it starts: at 1.5 s it raced the listing,
    // the scan and the hash, and lost on a loaded machine (issue 16: tests must not race a timer).
    // 6 s leaves the run's start that much room; the PUT hangs far longer.
    harness = await EngineHarness.create({
      server: { faults: { seed: 1, routes: { 'object.put': { latencyMs: 60_000 } } } },
    });
    await harness.write('a.txt', 'a');
    const started = Date.now();
    const summary = await harness.engine.runOnce({ timeLimitMs: 6000 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.stopped).toBe(true);
    expect(summary.timeLimit).toEqual({
      limitMs: 6000,
      waitingOn: [expect.stringMatching(/^upload a\.txt \(waiting \d s\)$/) as unknown as string],
    });
    // Back in the queue, hashed, for the next run: not "uploading", not failed.
    expect(harness.state.files.get('a.txt')?.state).toBe('hashed');
    expect(summary.uploaded).toBe(0);
  });
});
