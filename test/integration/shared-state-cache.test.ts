import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  APP_STATE_CACHE_KIB,
  SQLITE_DEFAULT_CACHE_KIB,
} from '../../electron/engine/state/state-cache-budget.js';
import { SharedMachineResources } from '../../electron/host/machine-resources.js';
import { openPair, type OpenedPair } from '../../electron/host/open-pair.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Several folders in one app divide one SQLite page-cache budget instead of each keeping SQLite's
// 2,000 KiB (the per-folder memory docs/benchmarks.md "Several folders" measured), re-divided as
// folders open and close; a pair opened alone keeps SQLite's default.

let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;

beforeEach(async () => {
  temp = await makeTempDir('hoist-state-cache-');
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
  await temp.remove();
});

async function folderConfig(name: string) {
  const folder = join(temp.path, name);
  await mkdir(folder);
  await writeFile(join(folder, 'a.txt'), name);
  return {
    folder,
    provider: 'local' as const,
    remote: server.url,
    stateRoot: join(temp.path, 'state'),
    token: TEST_USERS.alice.token,
    store: { remoteFolder: name },
  };
}

it('the folders of one app divide one page-cache budget, re-divided as they open and close', async () => {
  const shared = new SharedMachineResources(join(temp.path, 'state'), {
    uploadsAtOnce: 4,
    bandwidthLimit: null,
  });
  const opened: OpenedPair[] = [];
  try {
    for (const name of ['one', 'two', 'three'])
      opened.push(await openPair(await folderConfig(name), { shared }));
    const third = Math.floor(APP_STATE_CACHE_KIB / 3);
    expect(third).toBeLessThan(SQLITE_DEFAULT_CACHE_KIB);
    expect(opened.map((pair) => pair.parts.state.cacheKib())).toEqual([third, third, third]);

    await opened.pop()?.close();
    const half = Math.min(SQLITE_DEFAULT_CACHE_KIB, Math.floor(APP_STATE_CACHE_KIB / 2));
    expect(opened.map((pair) => pair.parts.state.cacheKib())).toEqual([half, half]);
    // Still a working pair with its smaller cache.
    expect((await opened[0]?.service.runOnce())?.uploaded).toBe(1);
  } finally {
    for (const pair of opened) await pair.close();
    await shared.close();
  }
});

it('a pair opened on its own keeps SQLite’s default page cache', async () => {
  const alone = await openPair(await folderConfig('alone'));
  try {
    expect(alone.parts.state.cacheKib()).toBe(SQLITE_DEFAULT_CACHE_KIB);
  } finally {
    await alone.close();
  }
});
