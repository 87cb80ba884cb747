import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEntry, EngineState, SyncErrorInfo, SyncProgress } from '../../shared/sync-types.js';
import { SyncService } from '../../electron/engine/sync-service.js';
import { EngineHarness } from '../support/engine-harness.js';
import { uploadFromElsewhere } from '../support/upload-from-elsewhere.js';

/** Generous: these wait for the watcher and an upload on a loaded CI machine, not for speed. */
const WAIT_MS = 15_000;

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function serviceOf(harness: EngineHarness): SyncService {
  return new SyncService(harness.engine, harness.state);
}

describe('SyncService, the facade every host uses', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  it('lists the mirrored remote paged, searched and sorted, and tells this folder’s files from others', async () => {
    harness = await EngineHarness.create();
    await harness.write('notes/alpha.txt', 'a'.repeat(10));
    await harness.write('notes/Beta.md', 'b'.repeat(300));
    await harness.write('gamma.bin', 'g'.repeat(5));
    await uploadFromElsewhere(harness.provider, 'elsewhere.txt', 'e'.repeat(50));
    const service = serviceOf(harness);
    const summary = await service.runOnce();
    expect(summary.uploaded).toBe(3);

    const paths = (page: { items: Array<{ displayPath: string }> }): string[] =>
      page.items.map((item) => item.displayPath);
    const first = service.listRemote({ limit: 2 });
    expect(first.total).toBe(4);
    expect(paths(first)).toEqual(['elsewhere.txt', 'gamma.bin']);
    expect(paths(service.listRemote({ offset: 2, limit: 2 }))).toEqual(['notes/alpha.txt', 'notes/Beta.md']);
    expect(paths(service.listRemote({ search: 'BETA' }))).toEqual(['notes/Beta.md']);
    expect(paths(service.listRemote({ search: 'notes/' }))).toEqual(['notes/alpha.txt', 'notes/Beta.md']);
    // LIKE's wildcards are literal characters in a search.
    expect(service.listRemote({ search: '%' }).total).toBe(0);
    expect(paths(service.listRemote({ sort: 'size', descending: true, limit: 1 }))).toEqual([
      'notes/Beta.md',
    ]);

    const all = service.listRemote();
    expect(all.items.find((item) => item.displayPath === 'elsewhere.txt')).toMatchObject({
      origin: 'elsewhere',
      size: 50,
      deletedLocally: false,
    });
    expect(all.items.filter((item) => item.origin === 'this-folder')).toHaveLength(3);

    expect(() => service.listRemote({ limit: 0 })).toThrow(/limit must be 1 to 1000/);
    expect(() => service.listRemote({ offset: -1 })).toThrow(/offset/);
  });

  it('pause holds every upload; resume sends what waited; events tell each state', async () => {
    harness = await EngineHarness.create();
    const service = serviceOf(harness);
    const states: EngineState[] = [];
    const stopListening = service.on('state', (state) => states.push(state));
    await harness.write('first.txt', 'first');
    await service.start();
    await until('first.txt is synced', () => service.status().counts.synced === 1);

    service.pause();
    expect(service.status()).toMatchObject({ state: 'paused', paused: true });
    const putsWhilePaused = harness.count('object.put');
    await harness.write('second.txt', 'second');
    await until('second.txt is seen', () => service.status().counts.total === 2);
    // Seen and hashed maybe, but not sent: give it time to do the wrong thing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.count('object.put')).toBe(putsWhilePaused);
    expect(service.status().state).toBe('paused');

    service.resume();
    expect(service.status().paused).toBe(false);
    await until('second.txt is synced', () => service.status().counts.synced === 2);
    expect(harness.count('object.put')).toBe(putsWhilePaused + 1);
    expect(states).toContain('paused');
    expect(states.lastIndexOf('syncing')).toBeGreaterThan(states.indexOf('paused'));

    stopListening();
    const seen = states.length;
    service.pause();
    expect(states).toHaveLength(seen);
  });

  it('a timed pause says until when, and ends by itself', async () => {
    harness = await EngineHarness.create();
    const service = serviceOf(harness);
    await service.start();
    const endsAt = Date.now() + 400;
    service.pause(endsAt);
    expect(service.status()).toMatchObject({ state: 'paused', paused: true, pausedUntil: endsAt });
    expect(() => service.pause('tomorrow')).toThrow(/Pause until when/);
    await harness.write('later.txt', 'written while paused');
    await until('the pause ends and later.txt is synced', () => service.status().counts.synced === 1);
    expect(service.status()).toMatchObject({ paused: false, pausedUntil: null });
  });

  it('sync now while paused syncs once and stays paused; pause, resume and settings are in the activity log', async () => {
    harness = await EngineHarness.create();
    const service = serviceOf(harness);
    await service.start();
    const endsAt = Date.now() + 3_600_000;
    service.pause(endsAt);
    await harness.write('now.txt', 'now');
    await service.syncNow();
    // The pass ran, and the pause is still the one chosen: never ended without being asked.
    expect(service.status()).toMatchObject({ paused: true, pausedUntil: endsAt, state: 'paused' });
    expect(await harness.remotePaths()).toEqual(['now.txt']);
    expect(service.listRemote().items.map((item) => item.displayPath)).toEqual(['now.txt']);
    const putsWhilePaused = harness.count('object.put');
    await harness.write('later.txt', 'after the pass');
    await until('later.txt is seen', () => service.status().counts.total === 2);
    expect(harness.count('object.put')).toBe(putsWhilePaused);

    service.resume();
    await until('later.txt is synced', () => service.status().counts.synced === 2);
    await service.updateSettings({ concurrency: 2, bandwidthLimit: 2 * 1024 * 1024 });
    await service.updateSettings({ concurrency: 2 });
    const notes = service
      .activity()
      .filter((entry) => entry.path === null)
      .map((entry) => entry.message)
      .reverse();
    expect(notes).toEqual([
      expect.stringMatching(/^Paused until (tomorrow )?\d\d:\d\d$/),
      expect.stringMatching(/^Synced once; still paused until (tomorrow )?\d\d:\d\d$/),
      'Resumed',
      'Settings changed: uploads at once 4 → 2; upload limit unlimited → 2.1 MB/s',
    ]);
  });

  it('watch mode: uploads show in the mirror at once; batches close together share one full listing', async () => {
    harness = await EngineHarness.create({ engine: { batchRefreshGapMs: 5_000 } });
    const service = serviceOf(harness);
    await service.start();
    const listsAtStart = harness.count('alloy.list');
    for (const name of ['one.txt', 'two.txt', 'three.txt']) {
      await harness.write(name, name);
      await until(`${name} is in the mirror`, () =>
        service.listRemote().items.some((item) => item.displayPath === name),
      );
    }
    // Three batches, no full listing yet: each upload went into the mirror by itself.
    expect(harness.count('alloy.list')).toBe(listsAtStart);
    // The deferred refresh comes once the gap has passed, and only one.
    await until('the deferred refresh ran', () => harness.count('alloy.list') > listsAtStart);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.count('alloy.list')).toBe(listsAtStart + 1);
    expect(service.listRemote().total).toBe(3);
  });

  it('deletes remote files: a copy of a deleted file is forgotten, a file still in the folder goes up again', async () => {
    harness = await EngineHarness.create();
    const service = serviceOf(harness);
    const changes: Array<{ local: boolean; remote: boolean }> = [];
    service.on('changed', (change) => changes.push(change));
    await harness.write('keep.txt', 'keep');
    await harness.write('gone.txt', 'gone');
    await service.start();
    await until('both are synced', () => service.status().counts.synced === 2);
    await rm(harness.path('gone.txt'));
    await until('gone.txt is seen deleted', () => service.status().counts.deleted === 1);

    const keyOf = (path: string): string => {
      const item = service.listRemote({ search: path }).items[0];
      if (!item) throw new Error(`${path} is not in the mirror`);
      return item.key;
    };
    const putsBefore = harness.count('object.put');
    changes.length = 0;
    const results = await service.deleteRemote([keyOf('gone.txt'), keyOf('keep.txt')]);
    expect(results.map((result) => result.deleted)).toEqual([true, true]);
    expect(results[1]?.message).toMatch(/still in the folder, so Hoist will upload it again/);
    expect(changes).toContainEqual({ local: true, remote: true });

    await until('keep.txt is on the remote again', () => harness.count('object.put') === putsBefore + 1);
    await until('the mirror shows it', () => service.listRemote().total === 1);
    expect(await harness.remotePaths()).toEqual(['keep.txt']);
    expect(service.status().counts).toMatchObject({ total: 1, synced: 1, deleted: 0 });
    expect(service.activity().map((entry) => entry.kind)).toContain('deleted-remote');

    await expect(service.deleteRemote([])).rejects.toThrow(/Which files/);
  });

  it('settings are checked, stored with the pair and applied after a restart', async () => {
    harness = await EngineHarness.create();
    let service = serviceOf(harness);
    expect(service.settings()).toEqual({
      mirrorDeletions: false,
      concurrency: 4,
      bandwidthLimit: 0,
      refreshIntervalSeconds: 300,
      remoteFolder: '',
      multipartThreshold: 100 * 1024 * 1024,
    });
    expect(await service.updateSettings({ concurrency: 2, bandwidthLimit: 1_048_576 })).toMatchObject({
      concurrency: 2,
      bandwidthLimit: 1_048_576,
    });
    for (const [patch, message] of [
      [{ concurrency: 0 }, /concurrency/],
      [{ concurrency: 2.5 }, /concurrency/],
      [{ bandwidthLimit: 10 }, /bandwidthLimit must be 0 \(unlimited\) or at least 1000/],
      [{ refreshIntervalSeconds: 1 }, /refreshIntervalSeconds/],
      [{ mirrorDeletions: 'yes' }, /mirrorDeletions/],
      [{ apiToken: 'secret' }, /Setting not changed/],
      [null, /Setting not changed/],
    ] as const) {
      await expect(service.updateSettings(patch), JSON.stringify(patch)).rejects.toThrow(message);
    }
    expect(service.settings().concurrency).toBe(2);

    await harness.restart();
    service = serviceOf(harness);
    expect(service.settings()).toMatchObject({ concurrency: 2, bandwidthLimit: 1_048_576 });
  });

  it('reports progress and activity per file, and a rejected token as a problem', async () => {
    harness = await EngineHarness.create();
    const service = serviceOf(harness);
    const progress: SyncProgress[] = [];
    const activity: ActivityEntry[] = [];
    service.on('progress', (snapshot) => progress.push(snapshot));
    service.on('activity', (entry) => activity.push(entry));
    await harness.write('big.bin', Buffer.alloc(2 * 1024 * 1024, 7));
    await harness.write('small.txt', 'small');
    await service.runOnce();
    expect(activity.filter((entry) => entry.kind === 'uploaded').map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['big.bin', 'small.txt']),
    );
    // The batch's last figures, then the empty ones of no batch.
    const batchEnd = progress.findLast((snapshot) => snapshot.filesTotal > 0);
    expect(batchEnd).toMatchObject({ filesDone: 2, filesTotal: 2, bytesTotal: 2 * 1024 * 1024 + 5 });
    expect(batchEnd?.bytesDone).toBe(batchEnd?.bytesTotal);
    expect(progress.at(-1)).toMatchObject({ filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });

    await harness.restart({ token: 'not-the-right-token' });
    const rejected = serviceOf(harness);
    const problems: SyncErrorInfo[] = [];
    rejected.on('problem', (problem) => problems.push(problem));
    await harness.write('later.txt', 'later');
    await rejected.runOnce();
    expect(problems.map((problem) => problem.category)).toContain('auth');
    expect(rejected.status().state).toBe('auth-failed');
  });
});
