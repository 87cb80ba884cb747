import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadCandidate, UploadTicket } from '../../electron/engine/remote/remote-provider.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { EngineHarness } from '../support/engine-harness.js';

const md5 = (content: Buffer | string): string => createHash('md5').update(content).digest('hex');
const FILES = 120;
const contentOf = (index: number): string => `file number ${index}\n`.repeat(1 + (index % 7));

/**
 * Tickets asked for in batches (upload/ticket-prefetch.ts, the reference remote's batch route): a
 * folder of small files asks the remote far fewer times than it has files, and every way a batch
 * can go wrong leaves each file to ask alone, synced exactly as it is on disk.
 */
describe('upload tickets in batches', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  async function writeFolder(): Promise<void> {
    for (let index = 0; index < FILES; index += 1) {
      await harness.write(`docs/file-${String(index).padStart(3, '0')}.txt`, contentOf(index));
    }
  }

  /** Replaces the batch call of the provider the engine uses: `around` gets the real one. */
  function aroundBatches(
    around: (
      files: readonly UploadCandidate[],
      real: () => Promise<Array<UploadTicket | null>>,
    ) => Promise<Array<UploadTicket | null>>,
  ): void {
    const batches = harness.provider.ticketBatches;
    if (batches === undefined) throw new Error('the local provider should offer batches');
    const prepare = batches.prepare.bind(batches);
    batches.prepare = (files, signal) => around(files, () => prepare(files, signal));
  }

  async function expectAllSynced(): Promise<void> {
    for (let index = 0; index < FILES; index += 1) {
      const row = harness.state.files.get(`docs/file-${String(index).padStart(3, '0')}.txt`);
      expect(row?.state).toBe('synced');
      expect(row?.md5).toBe(md5(contentOf(index)));
    }
  }

  it('asks for the tickets of many files in one request, and every file arrives whole', async () => {
    harness = await EngineHarness.create();
    await writeFolder();
    const batchSizes: number[] = [];
    aroundBatches(async (files, real) => {
      batchSizes.push(files.length);
      return real();
    });

    const summary = await harness.runOnce();

    expect(summary.uploaded).toBe(FILES);
    expect(summary.unsynced).toEqual([]);
    await expectAllSynced();
    const stored = harness.state.files.get('docs/file-005.txt');
    expect(await harness.storedBytes(stored?.remoteKey ?? '')).toEqual(Buffer.from(contentOf(5)));
    const batches = harness.count('alloy.upload-request-batch');
    const singles = harness.count('alloy.upload-request');
    expect(batches).toBe(batchSizes.length);
    expect(Math.max(...batchSizes)).toBeGreaterThan(10);
    // Each file asked once: alone or in a batch, never both.
    expect(singles + batchSizes.reduce((sum, size) => sum + size, 0)).toBe(FILES);
    expect(batches + singles).toBeLessThan(FILES / 2);
    expect(harness.count('object.put')).toBe(FILES);
  });

  it('a file changed after its ticket came in a batch is uploaded as it is now, asked about again', async () => {
    harness = await EngineHarness.create();
    await writeFolder();
    let changed: string | null = null;
    const newContent = 'rewritten after its ticket came, and longer than before\n'.repeat(3);
    aroundBatches(async (files, real) => {
      const tickets = await real();
      // A file of the batch other than the one whose upload asked: its ticket waits here for it.
      const companion = files[1];
      if (changed === null && companion !== undefined) {
        changed = companion.path;
        await harness.write(companion.path, newContent);
      }
      return tickets;
    });

    const summary = await harness.runOnce();

    expect(changed).not.toBeNull();
    expect(summary.unsynced).toEqual([]);
    const row = harness.state.files.get(changed ?? '');
    expect(row?.state).toBe('synced');
    expect(row?.md5).toBe(md5(newContent));
    expect(await harness.storedBytes(row?.remoteKey ?? '')).toEqual(Buffer.from(newContent));
  });

  it('a batch that fails, or a file it refuses, leaves those files to ask alone', async () => {
    harness = await EngineHarness.create();
    await writeFolder();
    let calls = 0;
    let refused = 0;
    aroundBatches(async (files, real) => {
      calls += 1;
      if (calls === 1) {
        throw new SyncError('network', 'The batch was cut off.', { retryable: true });
      }
      const tickets = await real();
      // The remote refused one file of this batch (as it would a bad name): it is asked alone.
      refused += 1;
      return tickets.map((ticket, index) => (index === tickets.length - 1 ? null : ticket));
    });

    const summary = await harness.runOnce();

    expect(calls).toBeGreaterThan(1);
    expect(summary.uploaded).toBe(FILES);
    expect(summary.unsynced).toEqual([]);
    await expectAllSynced();
    // The first batch's files and each refused one were asked about alone.
    expect(harness.count('alloy.upload-request')).toBeGreaterThanOrEqual(refused + 1);
    expect(harness.count('object.put')).toBe(FILES);
  });
});
