import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPair } from '../../electron/host/open-pair.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// The one composition root: what every host gets from openPair, against a real reference server.

let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;
let folder: string;

beforeEach(async () => {
  temp = await makeTempDir('hoist-open-pair-');
  server = await startTestServer();
  folder = join(temp.path, 'folder');
  await mkdir(folder);
  await writeFile(join(folder, 'a.txt'), 'alpha');
});

afterEach(async () => {
  await server.close();
  await temp.remove();
});

const config = (overrides: Record<string, unknown> = {}) => ({
  folder,
  provider: 'local' as const,
  remote: server.url,
  stateRoot: join(temp.path, 'state'),
  token: TEST_USERS.alice.token,
  ...overrides,
});

describe('openPair', () => {
  it('gives a working SyncService, and a stored setting survives a reopen without overrides', async () => {
    const first = await openPair(config());
    try {
      const summary = await first.service.runOnce();
      expect(summary.uploaded).toBe(1);
      await first.service.updateSettings({ concurrency: 2 });
    } finally {
      await first.close();
    }
    const again = await openPair(config());
    try {
      expect(again.service.settings().concurrency).toBe(2);
    } finally {
      await again.close();
    }
    // An override applies to this opening only, validated like settings from the UI.
    const overridden = await openPair(config({ overrides: { concurrency: 8 } }));
    try {
      expect(overridden.service.settings().concurrency).toBe(8);
    } finally {
      await overridden.close();
    }
    await expect(openPair(config({ overrides: { bandwidthLimit: 500 } }))).rejects.toMatchObject({
      category: 'config',
      message: expect.stringMatching(/bandwidthLimit must be 0 \(unlimited\) or at least 1000/),
    });
  });

  it('holds the pair: a second opening, even in the same process, is refused until close', async () => {
    const first = await openPair(config(), { purpose: 'test one' });
    await expect(openPair(config())).rejects.toMatchObject({
      reason: 'pair-locked',
      message: expect.stringMatching(/already syncing this folder \(pid \d+, test one since /),
    });
    await first.close();
    const second = await openPair(config());
    await second.close();
  });

  it('names one pair for every spelling of a remote URL', () => {
    const plain = remoteIdentityOf('alloy', 'http://example.com');
    for (const spelling of ['HTTP://EXAMPLE.com/', 'http://example.com:80', 'http://example.com//']) {
      expect(remoteIdentityOf('alloy', spelling)).toBe(plain);
    }
    expect(remoteIdentityOf('local')).toBe('embedded');
    expect(remoteIdentityOf('alloy')).toBe('https://production.runalloy.com');
    expect(() => remoteIdentityOf('openwebui')).toThrow(/needs its server's URL/);
    expect(() => remoteIdentityOf('alloy', 'ftp://x')).toThrow(/http/);
  });
});
