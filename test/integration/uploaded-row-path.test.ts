import { afterEach, describe, expect, it } from 'vitest';
import { SyncService } from '../../electron/engine/sync-service.js';
import { EngineHarness } from '../support/engine-harness.js';
import { until } from '../support/poll-until.js';

let harness: EngineHarness | undefined;
let service: SyncService | undefined;

afterEach(async () => {
  await service?.stop();
  await harness?.close();
  service = harness = undefined;
});

/**
 * The mirror row an upload writes is the one the window shows until the next listing replaces it.
 * It was recorded under the local path ("sub/a.txt"), where a listing says "Notes/sub/a.txt": so in
 * a folder with a remote folder, "Only this folder" showed nothing of a sync in progress (the
 * folders benchmark saw rows only at the end of a 100,000-file initial sync), and "Whole account"
 * showed the file outside its folder.
 */
describe('a file just uploaded, before the next listing', () => {
  it('is shown where the remote keeps it: under the folder’s remote folder', async () => {
    const open = (harness = await EngineHarness.create({ settings: { remoteFolder: 'Notes' } }));
    service = new SyncService(open.engine, open.state);
    await service.start();
    await until('the first listing is in', () => service?.status().state === 'idle');
    // Every later listing waits a minute: what the window shows meanwhile is the upload's own row.
    open.server.server.faults.set({ seed: 1, routes: { 'alloy.list': { latencyMs: 60_000 } } });
    await open.write('sub/a.txt', 'hello');
    await until('a.txt is synced', () => open.state.files.get('sub/a.txt')?.state === 'synced');

    const folderView = open.state.browse.page(
      { offset: 0, limit: 10 },
      { kind: 'folder', remoteFolder: 'Notes' },
    );
    expect(folderView.items.map((item) => item.displayPath)).toEqual(['sub/a.txt']);
    const account = open.state.browse.page({ offset: 0, limit: 10 }, { kind: 'account' });
    expect(account.items.map((item) => item.displayPath)).toEqual(['Notes/sub/a.txt']);
  }, 60_000);
});
