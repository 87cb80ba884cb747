import { writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

let harness: EngineHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

// CI caught this as `hoist sync` exiting 1 on SIGTERM: a rescan started by the watcher was still
// writing to the state DB when the pair closed it ("The database connection is not open", an
// unhandled rejection). Stopping now waits for every scan, hint batch and refresh it started.
it('stopping while a rescan runs waits for it, so closing the state DB right after loses nothing', async () => {
  harness = await EngineHarness.create();
  for (let i = 0; i < 1500; i++) await harness.write(`many/f${i}.txt`, `file ${i}`);
  const h = harness;
  await h.engine.start();
  await h.engine.syncNow();
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    // New ignore rules make the engine rescan the whole folder in the background.
    const scanning = new Promise<void>((resolve) =>
      h.engine.events.on('state', (state) => state === 'scanning' && resolve()),
    );
    await writeFile(h.path('.hoistignore'), 'nothing-matches-this\n');
    await scanning;
    await h.close(); // engine.stop, then the state DB is closed
    harness = null;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rejections).toEqual([]);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}, 180_000);

// Found while closing the app core right after it opened a pair: the first start, still loading or
// scanning, went on after stop, failed on the closed DB and left a watcher running.
it('stopping during the first start ends that start cleanly, with nothing left running', async () => {
  harness = await EngineHarness.create();
  for (let i = 0; i < 500; i++) await harness.write(`many/f${i}.txt`, `file ${i}`);
  const h = harness;
  const started = h.engine.start();
  await h.close(); // engine.stop, then the state DB is closed
  harness = null;
  await expect(started).resolves.toBeUndefined();
}, 180_000);
