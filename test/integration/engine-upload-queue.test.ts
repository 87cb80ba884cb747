import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from '../support/engine-harness.js';

const md5 = (content: string): string => createHash('md5').update(content).digest('hex');
const FILES = 150;
const pathOf = (index: number): string => `notes/note-${String(index).padStart(3, '0')}.md`;
const contentOf = (index: number): string => `note ${index}\n`.repeat(1 + (index % 5));

/**
 * The upload queue's head is read as paths a few dozen at a time, and each file's row again when its
 * turn comes (sync-pipeline.ts, nextUpload): a path read earlier is only a hint. These runs change
 * and delete files that were already among those hints, and check what reaches the remote.
 */
describe('the upload queue', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  async function writeFolder(): Promise<void> {
    for (let index = 0; index < FILES; index += 1) await harness.write(pathOf(index), contentOf(index));
  }

  /** Every body the engine sends, by path, in order; `onSend` runs before the real send. */
  function recordSends(onSend: (path: string, count: number) => Promise<void> = async () => {}): string[] {
    const sent: string[] = [];
    const send = harness.provider.send.bind(harness.provider);
    harness.provider.send = async (ticket, candidate, body, signal) => {
      sent.push(candidate.path);
      await onSend(candidate.path, sent.length);
      return send(ticket, candidate, body, signal);
    };
    return sent;
  }

  it('sends each file once, and in the order of its path', async () => {
    harness = await EngineHarness.create({ settings: { concurrency: 1 } });
    await writeFolder();
    const sent = recordSends();

    const summary = await harness.runOnce();

    expect(summary.uploaded).toBe(FILES);
    expect(new Set(sent).size).toBe(FILES);
    expect(sent).toHaveLength(FILES);
    // Two upload workers share the one transfer, so a file may overtake one whose ticket or commit
    // took longer, but only by a few places: out of order by whole batches of hints (64) would be far
    // from this (reversing each batch makes ~2,000 pairs out of order and files 60 places away).
    const positions = sent.map((path) => Number(/note-(\d+)/.exec(path)?.[1]));
    positions.forEach((position, order) => expect(Math.abs(position - order)).toBeLessThanOrEqual(16));
    let pairsOutOfOrder = 0;
    positions.forEach((earlier, index) => {
      for (const later of positions.slice(index + 1)) if (later < earlier) pairsOutOfOrder += 1;
    });
    expect(pairsOutOfOrder).toBeLessThan(FILES);
  });

  it('a file changed or deleted while it waits near the head goes as it is now, or not at all', async () => {
    harness = await EngineHarness.create({ settings: { concurrency: 1 } });
    await writeFolder();
    const rewritten = 'rewritten while it waited in the queue, longer than it was\n'.repeat(4);
    const sent = recordSends(async (_path, count) => {
      // By the second send the queue's head has been read: both files are among its paths.
      if (count !== 2) return;
      await writeFile(harness.path(pathOf(10)), rewritten);
      await rm(harness.path(pathOf(12)));
    });

    const summary = await harness.runOnce();

    expect(summary.unsynced).toEqual([]);
    const changed = harness.state.files.get(pathOf(10));
    expect(changed?.state).toBe('synced');
    expect(changed?.md5).toBe(md5(rewritten));
    expect(await harness.storedBytes(changed?.remoteKey ?? '')).toEqual(Buffer.from(rewritten));
    expect(harness.state.files.get(pathOf(12))?.state ?? 'deleted').toBe('deleted');
    expect(sent).not.toContain(pathOf(12));
    expect(await harness.remotePaths()).not.toContain(pathOf(12));
    for (let index = 0; index < FILES; index += 1) {
      if (index === 10 || index === 12) continue;
      const row = harness.state.files.get(pathOf(index));
      expect(row?.state).toBe('synced');
      expect(row?.md5).toBe(md5(contentOf(index)));
      expect(sent.filter((path) => path === pathOf(index))).toHaveLength(1);
    }
  });
});
