import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppView, HostMessage } from '../../shared/bridge/contract.js';
import type { RemoteBrowsePage, RemoteSelectionSummary } from '../../shared/remote-browse.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import type { RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import { BridgeServer } from '../../electron/host/bridge/bridge-server.js';
import { HoistApp } from '../../electron/host/hoist-app.js';
import { openPair } from '../../electron/host/open-pair.js';
import { SessionCredentialStore } from '../../electron/host/web/session-credentials.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { uploadFromElsewhere } from '../support/upload-from-elsewhere.js';

// Issue 17: Remote files shows one folder's remote folder ('folder') or the whole account of its remote
// ('account'). Two folders of one app on one real reference server, each under its own remote folder,
// and a file another client put at the top, through the bridge the window uses.

type Answer = Extract<HostMessage, { type: 'response' }>;
// A remote folder's separator in remote names (remote-names.ts): "Notes/a.txt" is stored as this.
const SEP = '\u2215';

let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;
let remote: RemoteProvider;
let app: HoistApp;
let bridge: BridgeServer;

function client(bridgeServer: BridgeServer) {
  const received: HostMessage[] = [];
  const connection = bridgeServer.connect((message) => received.push(message as HostMessage));
  let nextId = 1;
  return async <T>(command: string, payload: unknown = {}): Promise<T> => {
    const id = nextId++;
    connection.receive(JSON.stringify({ type: 'request', id, command, payload }));
    let found: Answer | undefined;
    await until(`an answer to ${command}`, () => {
      found = received.find((m): m is Answer => m.type === 'response' && m.id === id);
      return found !== undefined;
    });
    const answer = found as Answer;
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return answer.result as T;
  };
}

async function folderWith(name: string, files: Record<string, string>): Promise<string> {
  const root = join(temp.path, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
  return root;
}

beforeEach(async () => {
  temp = await makeTempDir('hoist-scope-');
  server = await startTestServer();
  remote = await createProvider({ kind: 'local', baseUrl: server.url, token: TEST_USERS.alice.token });
  const credentials = new SessionCredentialStore(undefined);
  app = new HoistApp({ dataRoot: join(temp.path, 'data'), credentials, openPair });
  await app.start();
  bridge = new BridgeServer(app, credentials);
});

afterEach(async () => {
  bridge.close();
  await app.close();
  await server.close();
  await temp.remove();
});

describe('Remote files: one folder or the whole account', () => {
  it("'folder' shows only the folder's remote folder (for a folder at the top, not the other folders' remote folders in it); 'account' every folder's and other clients' files, with counts, search, sort and deletes to match", async () => {
    const call = client(bridge);
    const alice = { provider: 'local', remoteUrl: server.url, token: TEST_USERS.alice.token };
    const notes = await folderWith('Notes', { 'a.txt': 'alpha' });
    const contracts = await folderWith('Contracts', { 'c.txt': 'gamma' });
    await call<AppView>('folders.add', { folder: notes, ...alice, remoteFolder: 'Notes' });
    const view = await call<AppView>('folders.add', {
      folder: contracts,
      ...alice,
      remoteFolder: 'Contracts',
    });
    const [notesId, contractsId] = view.folders.map((folder) => folder.id);
    await uploadFromElsewhere(remote, 'from-the-phone.txt', 'sent from elsewhere');
    await until('both folders are on the remote', async () => {
      const names = (await remote.list()).map((entry) => entry.name);
      return names.includes(`Notes${SEP}a.txt`) && names.includes(`Contracts${SEP}c.txt`);
    });
    // Each folder's mirror holds the whole account once it lists it.
    await call('remote.refresh', { folder: notesId });

    const page = (payload: Record<string, unknown>) =>
      call<RemoteBrowsePage>('remote.page', { folder: notesId, offset: 0, limit: 100, ...payload });
    const paths = async (payload: Record<string, unknown>): Promise<string[]> =>
      (await page(payload)).items.map((row) => (row.folder ? `${row.displayPath}/` : row.displayPath));

    // The folder: only its own file, by its path under the remote folder.
    expect(await page({ scope: 'folder' })).toMatchObject({ total: 1, items: [{ displayPath: 'a.txt' }] });
    expect(await paths({})).toEqual(['a.txt']);
    expect(await paths({ scope: 'folder', path: '' })).toEqual(['a.txt']);
    // The account: all three, as the remote names them; the other folder's and the phone's are not ours.
    const account = await page({ scope: 'account' });
    expect(account.total).toBe(3);
    expect(account.items.map((row) => [row.displayPath, row.origin])).toEqual([
      ['Contracts/c.txt', 'elsewhere'],
      ['from-the-phone.txt', 'elsewhere'],
      ['Notes/a.txt', 'this-folder'],
    ]);
    expect(await paths({ scope: 'account', descending: true })).toEqual([
      'Notes/a.txt',
      'from-the-phone.txt',
      'Contracts/c.txt',
    ]);
    expect(await paths({ scope: 'account', path: '' })).toEqual([
      'Contracts/',
      'Notes/',
      'from-the-phone.txt',
    ]);
    expect(await paths({ scope: 'account', path: 'Contracts' })).toEqual(['Contracts/c.txt']);
    // Search looks under the root: the folder's own remote folder name is not in its paths.
    expect(await paths({ scope: 'folder', search: 'notes' })).toEqual([]);
    expect(await paths({ scope: 'folder', search: 'phone' })).toEqual([]);
    expect(await paths({ scope: 'account', search: 'phone' })).toEqual(['from-the-phone.txt']);
    expect(await paths({ scope: 'account', search: 'notes' })).toEqual(['Notes/a.txt']);
    // The filters keep their meaning in both.
    expect(await paths({ scope: 'account', filter: 'remote-only' })).toEqual([
      'Contracts/c.txt',
      'from-the-phone.txt',
    ]);
    expect(await paths({ scope: 'folder', filter: 'remote-only' })).toEqual([]);

    // "Select all" counts what the scope shows.
    const all = { kind: 'query' } as const;
    const summary = (scope: string) =>
      call<RemoteSelectionSummary>('remote.summary', { folder: notesId, scope, selection: all });
    expect(await summary('folder')).toMatchObject({ count: 1, notFromThisFolder: 0 });
    expect(await summary('account')).toMatchObject({ count: 3, notFromThisFolder: 2 });

    // Deleting acts within the folder's remote folder only: keys of the other folder and of the phone,
    // sent from this folder, are left out and stay on the remote.
    const others = account.items.filter((row) => row.origin === 'elsewhere').map((row) => row.key);
    const outcome = await call<{ deleted: number }>('remote.delete', {
      folder: notesId,
      selection: { kind: 'keys', keys: others },
    });
    expect(outcome.deleted).toBe(0);
    const names = (await remote.list()).map((entry) => entry.name).sort();
    expect(names).toEqual([`Contracts${SEP}c.txt`, `Notes${SEP}a.txt`, 'from-the-phone.txt']);

    // A third folder at the top of the same remote: the other two folders' remote folders are theirs,
    // left out of its view and of its selections; the phone's file at the top is in it.
    const top = await folderWith('Top', { 't.txt': 'tau' });
    const topId = (await call<AppView>('folders.add', { folder: top, ...alice })).folders[2]?.id;
    await until('t.txt is on the remote', async () =>
      (await remote.list()).some((entry) => entry.name === 't.txt'),
    );
    await call('remote.refresh', { folder: topId });
    const fromTop = (payload: Record<string, unknown>) =>
      call<RemoteBrowsePage>('remote.page', { folder: topId, offset: 0, limit: 100, ...payload });
    const topPaths = async (payload: Record<string, unknown>): Promise<string[]> =>
      (await fromTop(payload)).items.map((row) => (row.folder ? `${row.displayPath}/` : row.displayPath));
    expect(await topPaths({})).toEqual(['from-the-phone.txt', 't.txt']);
    expect(await topPaths({ path: '' })).toEqual(['from-the-phone.txt', 't.txt']);
    expect(await topPaths({ search: '.txt' })).toEqual(['from-the-phone.txt', 't.txt']);
    expect((await fromTop({ scope: 'account' })).total).toBe(4);
    expect(
      await call<RemoteSelectionSummary>('remote.summary', { folder: topId, selection: all }),
    ).toMatchObject({ count: 2 });
    const theirs = (await fromTop({ scope: 'account' })).items
      .filter((row) => row.displayPath.includes('/'))
      .map((row) => row.key);
    expect(theirs).toHaveLength(2);
    expect(
      (
        await call<{ deleted: number }>('remote.delete', {
          folder: topId,
          selection: { kind: 'keys', keys: theirs, folders: ['Notes', 'Contracts'] },
        })
      ).deleted,
    ).toBe(0);
    expect((await remote.list()).map((entry) => entry.name).sort()).toEqual(
      [`Contracts${SEP}c.txt`, `Notes${SEP}a.txt`, 'from-the-phone.txt', 't.txt'].sort(),
    );

    // The other folder sees its own the same way.
    await call('remote.refresh', { folder: contractsId });
    expect(
      (await call<RemoteBrowsePage>('remote.page', { folder: contractsId, offset: 0, limit: 10 })).items.map(
        (row) => row.displayPath,
      ),
    ).toEqual(['c.txt']);
  });
});
