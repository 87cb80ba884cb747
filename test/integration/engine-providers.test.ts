import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPOSIO_PAGE_SIZE } from '../../electron/engine/remote/composio-provider.js';
import { EngineHarness } from '../support/engine-harness.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the engine on each dialect', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('Composio: pages through more than 1000 files, and says plainly that it cannot delete', async () => {
    harness = await EngineHarness.create({
      kind: 'composio',
      settings: { mirrorDeletions: true, concurrency: 8 },
    });
    const count = 1105;
    for (let index = 0; index < count; index++)
      await harness.write(`batch${index % 7}/file-${index}.txt`, `composio ${index}`);
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(summary.uploaded).toBe(count);
    // The mirror was refreshed through every page of the listing.
    expect(harness.state.mirror.count()).toBe(count);
    // One empty page at the start, then every page at the end: Hoist speaks v3.1, 50 files a page.
    expect(harness.count('composio.list')).toBe(1 + Math.ceil(count / COMPOSIO_PAGE_SIZE['v3.1']));

    await rm(harness.path('batch0/file-0.txt'));
    const after = await harness.runOnce();
    expect(after.deletions.kind).toBe('unsupported');
    expect(after.problems.map((problem) => problem.message).join('\n')).toMatch(
      /Composio has no way to delete files/,
    );
    expect(harness.state.mirror.count()).toBe(count);
  }, 120_000);

  it('Open WebUI: dedupes by SHA-256, so identical content is uploaded once', async () => {
    harness = await EngineHarness.create({ kind: 'openwebui' });
    await harness.write('a/report.pdf', 'same bytes');
    await harness.write('b/copy of report.pdf', 'same bytes');
    await harness.write('c/other.txt', 'other bytes');
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    expect(harness.count('owui.upload')).toBe(2);
    expect(summary.uploaded + summary.alreadyOnRemote).toBe(3);
    expect(harness.state.mirror.count()).toBe(2);
  });

  it('Open WebUI: a changed file replaces its old version, but never a copy another file still uses', async () => {
    harness = await EngineHarness.create({ kind: 'openwebui' });
    await harness.write('one.txt', 'twin content');
    await harness.write('two.txt', 'twin content');
    await harness.write('solo.txt', 'solo v1');
    await harness.runOnce();
    expect(harness.count('owui.upload')).toBe(2);

    await harness.write('one.txt', 'one, edited');
    await harness.write('solo.txt', 'solo v2');
    const summary = await harness.runOnce();
    expect(summary.unsynced).toEqual([]);
    const contents = (await harness.remote()).map((entry) => entry.sha256).sort();
    // two.txt still needs the twin copy (whichever twin's name it was uploaded under); solo's old
    // version is gone.
    expect(contents).toEqual([sha256('twin content'), sha256('one, edited'), sha256('solo v2')].sort());
    expect(harness.count('owui.delete')).toBe(1);
  });
});
