import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HoistApp } from '../../electron/host/hoist-app.js';
import { openPair } from '../../electron/host/open-pair.js';
import { SessionCredentialStore } from '../../electron/host/web/session-credentials.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Issue 17: a remote's identity (remote-identity.ts) is the one key for a remote. Two folders whose
// URLs spell one real reference server two ways are on one remote: one keychain account, one token
// lookup, and the same remote folder refused for the second.

/** The session store, counting the keychain lookups the app makes per account. */
class CountingCredentials extends SessionCredentialStore {
  readonly lookups = new Map<string, number>();
  override async get(account: string): Promise<string | null> {
    this.lookups.set(account, (this.lookups.get(account) ?? 0) + 1);
    return super.get(account);
  }
}

let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;
let credentials: CountingCredentials;
let app: HoistApp;

beforeEach(async () => {
  temp = await makeTempDir('hoist-spellings-');
  server = await startTestServer();
  credentials = new CountingCredentials(undefined);
  app = new HoistApp({ dataRoot: join(temp.path, 'data'), credentials, openPair });
  await app.start();
});

afterEach(async () => {
  await app.close();
  await server.close();
  await temp.remove();
});

async function folder(name: string): Promise<string> {
  const path = join(temp.path, name);
  await mkdir(path, { recursive: true });
  return path;
}

describe('two spellings of one remote', () => {
  it('share one keychain account and one lookup, and may not share a remote folder', async () => {
    const { port } = new URL(server.url);
    const plain = `http://127.0.0.1:${port}`;
    const odd = `  HTTP://127.0.0.1:${port}/ `;
    const first = await folder('First');
    const second = await folder('Second');
    await app.addFolder(
      { folder: first, provider: 'local', remoteUrl: plain, remoteFolder: 'Shared' },
      TEST_USERS.alice.token,
      { confirmLargeFolder: true },
    );

    // The same remote folder of the same remote, however spelled: refused, saying which and why.
    await expect(
      app.addFolder(
        { folder: second, provider: 'local', remoteUrl: odd, remoteFolder: 'Shared' },
        undefined,
        {
          confirmLargeFolder: true,
        },
      ),
    ).rejects.toMatchObject({
      category: 'config',
      message: expect.stringMatching(
        /First already syncs to the folder “Shared” of .*: the two folders' files would mix/,
      ),
    });

    // Its own remote folder: admitted with no token typed, on the token kept for that remote.
    await app.addFolder(
      { folder: second, provider: 'local', remoteUrl: odd, remoteFolder: 'Own' },
      undefined,
      {
        confirmLargeFolder: true,
      },
    );
    await app.ready();
    credentials.lookups.clear();
    const view = await app.view();
    expect(view.folders.map((entry) => [entry.name, entry.tokenSet, entry.openError])).toEqual([
      ['First', true, null],
      ['Second', true, null],
    ]);
    // One remote, one keychain account, asked once for both folders.
    expect([...credentials.lookups.values()]).toEqual([1]);
    // What the person typed is still what they see.
    expect(view.folders[1]?.remoteUrl).toBe(odd.trim());
  });
});
