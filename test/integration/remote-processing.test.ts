import { afterEach, describe, expect, it } from 'vitest';
import { listNotSynced } from '../../electron/engine/not-synced.js';
import { until } from '../support/poll-until.js';
import { EngineHarness } from '../support/engine-harness.js';

// Open WebUI's processing status through the provider into the mirror (issue 16): uploads start
// `pending`, the listing brings `completed` or `failed` with the remote's reason, and failures of
// this folder's files are listed for the "not synced" count. The reference server's clock runs
// `skew` ahead when a test says so, so "after processing" is a step, not a wait.

const BINARY_AS_TEXT = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 159, 146, 150, 0])]);
const REASON = 'scan.txt is sent as text/plain but holds binary data, so no text could be read from it';

describe('Open WebUI processing in the mirror', { timeout: 60_000 }, () => {
  let harness: EngineHarness | null = null;
  let skew = 0;
  afterEach(async () => {
    await harness?.close();
    harness = null;
    skew = 0;
  });

  const open = (engine: Record<string, unknown> = {}): Promise<EngineHarness> =>
    EngineHarness.create({
      kind: 'openwebui',
      server: { openWebUiProcessingMs: 60_000, now: () => Date.now() + skew },
      engine,
    });

  const processing = (h: EngineHarness): Record<string, unknown> =>
    Object.fromEntries(
      h.state.browse.page({ offset: 0, limit: 100 }).items.map((row) => [row.displayPath, row.processing]),
    );

  it('records pending uploads, then completed and failed with the reason, and lists the failure', async () => {
    harness = await open();
    await harness.write('notes.txt', 'plain words\n');
    await harness.write('scan.txt', BINARY_AS_TEXT);
    const summary = await harness.runOnce();
    expect(summary.uploaded).toBe(2);
    expect(processing(harness)).toEqual({
      'notes.txt': { status: 'pending', error: null },
      'scan.txt': { status: 'pending', error: null },
    });
    expect(harness.state.processingFailures('Open WebUI')).toEqual([]);

    skew = 61_000;
    await harness.engine.refresh();
    expect(processing(harness)).toEqual({
      'notes.txt': { status: 'completed', error: null },
      'scan.txt': { status: 'failed', error: REASON },
    });
    const [failure, ...others] = harness.state.processingFailures('Open WebUI');
    expect(others).toEqual([]);
    expect(failure).toMatchObject({ path: 'scan.txt', reason: REASON });
    expect(failure?.message).toBe(`Open WebUI could not read text from scan.txt: ${REASON}`);
    // The upload itself worked: the file is synced, and the remote keeps its bytes.
    expect(harness.state.files.get('scan.txt')?.state).toBe('synced');
    // …but not usable: counted where every other "not synced" is (engine/not-synced.ts), so the
    // headline says "Up to date except 1 file" and the Not synced list gives the remote's reason.
    expect(harness.engine.status().notSynced).toEqual({
      needsAttention: 1,
      onPurpose: 0,
      notTracked: 0,
      uploadedButUnusable: 1,
    });
    expect(listNotSynced(harness.state, 100, 'Open WebUI')).toEqual([
      {
        path: 'scan.txt',
        reason: 'processing-failed',
        message: `Open WebUI could not read text from scan.txt: ${REASON}`,
        retryAt: null,
      },
    ]);
  });

  it('lists again soon while a file is pending, so pending turns into ready without a click', async () => {
    harness = await open({ processingRecheckMs: 50 });
    await harness.write('notes.txt', 'plain words\n');
    await harness.engine.start();
    const h = harness;
    await until('notes.txt is pending', () => {
      const state = processing(h)['notes.txt'] as { status: string } | null | undefined;
      return state?.status === 'pending';
    });
    skew = 61_000;
    await until('notes.txt is ready', () => {
      const state = processing(h)['notes.txt'] as { status: string } | null | undefined;
      return state?.status === 'completed';
    });
  });
});
