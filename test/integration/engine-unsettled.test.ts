import { appendFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

describe('a file that never stops changing', () => {
  let harness: EngineHarness;
  let writer: NodeJS.Timeout | undefined;
  afterEach(async () => {
    clearInterval(writer);
    await harness.close();
  });

  it('is set aside and reported once, and --once finishes with the rest synced', async () => {
    harness = await EngineHarness.create({ engine: { settleMs: 50 } });
    await harness.write('calm.txt', 'calm');
    await harness.write('log.txt', 'start\n');
    // A log appended to every few milliseconds, for as long as the run lasts.
    writer = setInterval(() => void appendFile(harness.path('log.txt'), `line ${Date.now()}\n`), 10);

    const summary = await harness.runOnce();
    clearInterval(writer);

    expect(summary.uploaded).toBe(1);
    expect(summary.unsynced).toEqual([
      expect.objectContaining({
        path: 'log.txt',
        state: 'retrying',
        message: expect.stringMatching(/keeps changing; it will be synced once it has been quiet/),
      }),
    ]);
    const reports = harness.state.activity
      .recent(100)
      .filter((entry) => entry.path === 'log.txt' && entry.kind === 'skipped');
    expect(reports).toHaveLength(1);
  }, 60_000);
});
