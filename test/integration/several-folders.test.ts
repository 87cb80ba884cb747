import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppView, HostMessage } from '../../shared/bridge/contract.js';
import { BridgeServer } from '../../electron/host/bridge/bridge-server.js';
import { HoistApp } from '../../electron/host/hoist-app.js';
import { openPair } from '../../electron/host/open-pair.js';
import { pairDirectory } from '../../electron/host/pair-location.js';
import { SessionCredentialStore } from '../../electron/host/web/session-credentials.js';
import { InFlightCounter } from '../../electron/server/in-flight-counter.js';
import { CliProcesses } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { remoteSnapshot } from '../support/remote-snapshot.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Issue 17: one app syncing several folders at once, each to its own remote, through the bridge the
// window uses, against real reference servers.

type Answer = Extract<HostMessage, { type: 'response' }>;

/** One window's connection to the bridge server, recording everything the host sends it. */
function client(server: BridgeServer) {
  const received: HostMessage[] = [];
  const connection = server.connect((message) => received.push(message as HostMessage));
  let nextId = 1;
  return {
    received,
    call: async (command: string, payload: unknown = {}): Promise<Answer> => {
      const id = nextId++;
      connection.receive(JSON.stringify({ type: 'request', id, command, payload }));
      let found: Answer | undefined;
      await until(`an answer to ${command}`, () => {
        found = received.find((m): m is Answer => m.type === 'response' && m.id === id);
        return found !== undefined;
      });
      return found as Answer;
    },
  };
}

const viewOf = (answer: Answer): AppView => {
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.result as AppView;
};

let temp: { path: string; remove: () => Promise<void> };
let remotes: TestServer[];
let app: HoistApp | null;
let bridge: BridgeServer | null;
const counter = new InFlightCounter();
const processes = new CliProcesses(() => temp.path);
const dataRoot = (): string => join(temp.path, 'data');

async function startApp(): Promise<ReturnType<typeof client>> {
  const credentials = new SessionCredentialStore(undefined);
  app = new HoistApp({ dataRoot: dataRoot(), credentials, openPair });
  await app.start();
  bridge = new BridgeServer(app, credentials);
  return client(bridge);
}

async function folderWith(name: string, files: Record<string, string>): Promise<string> {
  const root = join(temp.path, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

function manyFiles(prefix: string, count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index++)
    files[`${prefix}${index}.txt`] = `${prefix} ${index}\n`.repeat(50);
  return files;
}

async function onRemote(remote: TestServer): Promise<string[]> {
  return [...(await remoteSnapshot(remote.dataDir)).keys()].sort();
}

beforeEach(async () => {
  temp = await makeTempDir('hoist-folders-');
  counter.resetPeaks();
  // Each upload body takes a while on the server, so bodies of both folders overlap if allowed to.
  const slowPuts = { seed: 1, routes: { 'object.put': { latencyMs: 80 } } };
  remotes = [
    await startTestServer({ inFlight: counter, faults: slowPuts }),
    await startTestServer({ inFlight: counter, faults: slowPuts }),
  ];
  app = null;
  bridge = null;
});

afterEach(async () => {
  await processes.killAll();
  bridge?.close();
  await app?.close();
  for (const remote of remotes) await remote.close();
  await temp.remove();
});

const remoteOf = (index: number, token: string = TEST_USERS.alice.token) => ({
  provider: 'local',
  remoteUrl: remotes[index]?.url,
  token,
});

describe('several folders at once', () => {
  it('syncs two folders to two remotes at once, within one app-wide upload budget counted on the servers', async () => {
    const notes = await folderWith('Notes', manyFiles('note', 12));
    const contracts = await folderWith('Contracts', manyFiles('contract', 12));
    const c = await startApp();
    expect(viewOf(await c.call('app.budget', { uploadsAtOnce: 2 }))).toMatchObject({ uploadsAtOnce: 2 });
    // Each folder's own "uploads at once" stays at its default (4): alone they would send 8 at once.
    viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) }));
    const view = viewOf(await c.call('folders.add', { folder: contracts, ...remoteOf(1) }));
    expect(view.folders.map((folder) => folder.name)).toEqual(['Notes', 'Contracts']);

    await until('both remotes hold their folder', async () => {
      const [first, second] = [await onRemote(remotes[0]!), await onRemote(remotes[1]!)];
      return first.length === 12 && second.length === 12;
    });
    expect(await onRemote(remotes[0]!)).toEqual(Object.keys(manyFiles('note', 12)).sort());
    expect(await onRemote(remotes[1]!)).toEqual(Object.keys(manyFiles('contract', 12)).sort());
    // Never more bodies on the wire, over both servers together, than the app-wide budget.
    expect(counter.peak('object.put')).toBeGreaterThanOrEqual(1);
    expect(counter.peak('object.put')).toBeLessThanOrEqual(2);

    // Events and the overview name their folder.
    const ids = view.folders.map((folder) => folder.id);
    const statusFolders = new Set(
      c.received.flatMap((m) =>
        m.type === 'event' && m.event === 'status' ? [(m.payload as { folder: string }).folder] : [],
      ),
    );
    expect([...statusFolders].sort()).toEqual([...ids].sort());
    const overview = await c.call('overview.get');
    expect(overview).toMatchObject({
      ok: true,
      result: {
        folders: [
          { id: ids[0], name: 'Notes', openError: null },
          { id: ids[1], name: 'Contracts' },
        ],
      },
    });

    // Pause one folder: the other goes on; "pause all" (no folder) pauses both.
    expect(await c.call('sync.pause', { folder: ids[0] })).toMatchObject({ ok: true });
    await until('Notes is paused', async () => {
      const status = await c.call('status.get', { folder: ids[0] });
      return status.ok && (status.result as { state: string }).state === 'paused';
    });
    const other = await c.call('status.get', { folder: ids[1] });
    expect(other.ok && (other.result as { state: string }).state).not.toBe('paused');
    await c.call('sync.pause', {});
    await until('both are paused', async () => {
      const states = await Promise.all(ids.map((id) => c.call('status.get', { folder: id })));
      return states.every((status) => status.ok && (status.result as { state: string }).state === 'paused');
    });
  });

  it('removes a folder: it stops, its remote copies stay, its state only goes when asked', async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha' });
    const contracts = await folderWith('Contracts', { 'b.txt': 'bravo' });
    const c = await startApp();
    viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) }));
    const view = viewOf(await c.call('folders.add', { folder: contracts, ...remoteOf(1) }));
    const contractsId = view.folders[1]?.id as string;
    await until('both are synced', async () => (await onRemote(remotes[1]!)).length === 1);

    const removed = viewOf(await c.call('folders.remove', { folder: contractsId }));
    expect(removed.folders.map((folder) => folder.name)).toEqual(['Notes']);
    expect(await onRemote(remotes[1]!)).toEqual(['b.txt']);
    expect(existsSync(join(pairDirectory(dataRoot(), contractsId), 'state.db'))).toBe(true);
    expect(await c.call('status.get', { folder: contractsId })).toMatchObject({
      ok: false,
      error: { code: 'no-pair' },
    });
    // It no longer syncs; the other folder still does.
    await writeFile(join(contracts, 'later.txt'), 'not sent');
    await writeFile(join(notes, 'later.txt'), 'sent');
    await until('Notes sends its new file', async () => (await onRemote(remotes[0]!)).includes('later.txt'));
    expect(await onRemote(remotes[1]!)).toEqual(['b.txt']);

    // Added again (its state found as it was), then removed with its state.
    const again = viewOf(await c.call('folders.add', { folder: contracts, ...remoteOf(1) }));
    expect(again.folders[1]?.id).toBe(contractsId);
    viewOf(await c.call('folders.remove', { folder: contractsId, removeState: true }));
    expect(existsSync(pairDirectory(dataRoot(), contractsId))).toBe(false);
    expect(await onRemote(remotes[1]!)).toContain('b.txt');
  });

  it("one folder's rejected token does not stop the other", async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha', 'b.txt': 'bravo' });
    const contracts = await folderWith('Contracts', { 'c.txt': 'charlie' });
    const c = await startApp();
    const view = viewOf(
      await c.call('folders.add', { folder: contracts, ...remoteOf(1, 'not-a-real-token') }),
    );
    viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) }));
    const contractsId = view.folders[0]?.id as string;
    await until('Notes is synced', async () => (await onRemote(remotes[0]!)).length === 2);
    await until('Contracts says its token was refused', async () => {
      const overview = await c.call('overview.get');
      const entry = (
        overview.ok
          ? (
              overview.result as {
                folders: Array<{
                  id: string;
                  status: { problems: Array<{ category: string }> } | null;
                  openError: string | null;
                }>;
              }
            ).folders
          : []
      ).find((folder) => folder.id === contractsId);
      return (
        entry !== undefined &&
        (entry.openError !== null ||
          (entry.status?.problems.some((problem) => problem.category === 'auth') ?? false))
      );
    });
    expect(await onRemote(remotes[1]!)).toEqual([]);
    const problemFolders = c.received.flatMap((m) =>
      m.type === 'event' && m.event === 'problem' ? [(m.payload as { folder: string }).folder] : [],
    );
    expect(problemFolders.filter((folder) => folder !== contractsId)).toEqual([]);
  });

  it('refuses the same folder twice, a folder inside or around another, and two folders on one remote folder', async () => {
    const notes = await folderWith('Outer/Notes', { 'a.txt': 'alpha' });
    const inner = await folderWith('Outer/Notes/Inner', {});
    const outer = join(temp.path, 'Outer');
    const other = await folderWith('Other', {});
    const c = await startApp();
    viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) }));
    const refusals = [
      [{ folder: notes, ...remoteOf(1) }, /Notes is already synced, to /],
      [{ folder: inner, ...remoteOf(1) }, /Inner is inside .*Notes, which Hoist already syncs/],
      [{ folder: outer, ...remoteOf(1) }, /contains .*Notes, which Hoist already syncs/],
      [
        { folder: other, ...remoteOf(0) },
        /Notes already syncs to the top of .*: the two folders' files would mix\. Give Other its own remote folder/,
      ],
    ] as const;
    for (const [request, message] of refusals) {
      const answer = await c.call('folders.add', request);
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'config', message: expect.stringMatching(message) },
      });
    }
    // Nothing changed; with its own remote folder, the same remote is fine.
    const view = viewOf(
      await c.call('folders.add', { folder: other, ...remoteOf(0), remoteFolder: 'Other' }),
    );
    expect(view.folders.map((folder) => [folder.name, folder.remoteFolder])).toEqual([
      ['Notes', null],
      ['Other', 'Other'],
    ]);
    // And a folder cannot be moved onto another's remote folder either.
    const moved = await c.call('folders.update', { folder: view.folders[1]?.id, remoteFolder: '' });
    expect(moved).toMatchObject({ ok: false, error: { code: 'config' } });
  });

  it("an old app.json with one pair becomes a list of one, keeping its theme and the pair's settings", async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha' });
    // The one-folder app kept the pair's settings (here its remote folder) in the pair's state, and
    // wrote app.json as { pair, theme }, exactly like this.
    const earlier = await openPair({
      folder: notes,
      provider: 'local',
      remote: remotes[0]!.url,
      token: TEST_USERS.alice.token,
      stateRoot: dataRoot(),
      store: { remoteFolder: 'Kept' },
    });
    await earlier.close();
    const oldFile = { pair: { folder: notes, provider: 'local', remoteUrl: remotes[0]!.url }, theme: 'dark' };
    await writeFile(join(dataRoot(), 'app.json'), `${JSON.stringify(oldFile, null, 2)}\n`);

    const c = await startApp();
    // The token lives in the keychain, never in app.json: here it is given again for this session.
    await c.call('token.set', {
      folder: viewOf(await c.call('app.get')).folders[0]?.id,
      token: TEST_USERS.alice.token,
    });
    const view = viewOf(await c.call('app.get'));
    expect(view).toMatchObject({
      theme: 'dark',
      folders: [{ folder: notes, name: 'Notes', provider: 'local' }],
    });
    await until('the folder syncs into its kept remote folder', async () =>
      (await onRemote(remotes[0]!)).includes('Kept/a.txt'),
    );
    expect(viewOf(await c.call('app.get')).folders[0]?.remoteFolder).toBe('Kept');
    // The next write stores the new form: a list of folders, the theme kept.
    await c.call('preferences.update', { theme: 'light' });
    const stored = JSON.parse(await readFile(join(dataRoot(), 'app.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({
      folders: [{ folder: notes, provider: 'local', remoteUrl: remotes[0]!.url }],
      theme: 'light',
    });
    expect(stored).not.toHaveProperty('pair');
  });

  it('hoist sync <folder> refuses, with exit code 1 and one sentence, while the app syncs that folder', async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha' });
    const c = await startApp();
    viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) }));
    await app?.ready();
    const refused = await processes.run(
      ['sync', notes, '--once', '--provider', 'local', '--remote', remotes[0]!.url, '--state', dataRoot()],
      { env: { HOIST_TOKEN: TEST_USERS.alice.token } },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /Hoist is already syncing this folder \(pid \d+, syncing in the Hoist app since /,
    );
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('folders listed in app.json that may not sync together', () => {
  // Found by the folders benchmark: app.json written by hand (or an older Hoist) listed two folders on
  // one remote with no remote folder; both opened, and their same-named files became conflicts.
  it('opens the first; the later one keeps its place in the list, unopened, with the reason in words', async () => {
    const first = await folderWith('One', { 'same.txt': 'one' });
    const second = await folderWith('Two', { 'same.txt': 'two' });
    const folders = [first, second].map((folder) => ({ folder, provider: 'local' }));
    await mkdir(dataRoot(), { recursive: true });
    await writeFile(join(dataRoot(), 'app.json'), JSON.stringify({ folders }));
    const c = await startApp();
    await app?.ready();
    const view = viewOf(await c.call('app.get', {}));
    expect(view.folders.map((folder) => folder.name)).toEqual(['One', 'Two']);
    expect(view.folders[0]?.openError).toBeNull();
    expect(view.folders[1]?.openError).toMatch(/One/);
    const embedded = join(dataRoot(), 'remote');
    await until('One is on the remote', async () =>
      existsSync(join(embedded, 'catalog.db'))
        ? (await remoteSnapshot(embedded).catch(() => new Map<string, string>())).size === 1
        : false,
    );
    const status = await c.call('status.get', { folder: view.folders[0]?.id });
    expect(status).toMatchObject({ ok: true, result: { counts: { conflict: 0, synced: 1 } } });
  });
});

describe('many folders', () => {
  it('starts without waiting for its folders, opens them at most eight at a time, and syncs them all through one embedded remote', async () => {
    const count = 20;
    const folders = [];
    for (let index = 0; index < count; index++) {
      const folder = await folderWith(`F${index}`, { [`f${index}.txt`]: `file ${index}` });
      folders.push({ folder, provider: 'local', remoteFolder: `F${index}` });
    }
    await mkdir(dataRoot(), { recursive: true });
    await writeFile(join(dataRoot(), 'app.json'), JSON.stringify({ folders }));
    let opening = 0;
    let peakOpening = 0;
    const credentials = new SessionCredentialStore(undefined);
    app = new HoistApp({
      dataRoot: dataRoot(),
      credentials,
      openPair: async (config, options) => {
        peakOpening = Math.max(peakOpening, ++opening);
        try {
          return await openPair(config, options);
        } finally {
          opening--;
        }
      },
    });
    await app.start();
    // The window can be served at once: every folder is listed, still opening.
    const first = await app.view();
    expect(first.folders).toHaveLength(count);
    expect(first.folders.every((folder) => folder.opening)).toBe(true);
    await app.ready();
    const opened = await app.view();
    expect(opened.folders.map((folder) => [folder.opening, folder.openError])).toEqual(
      Array.from({ length: count }, () => [false, null]),
    );
    expect(peakOpening).toBeGreaterThan(1);
    expect(peakOpening).toBeLessThanOrEqual(8);
    const embedded = join(dataRoot(), 'remote');
    const expected = Array.from({ length: count }, (_, index) => `F${index}/f${index}.txt`).sort();
    await until('every folder is on the one embedded remote', async () => {
      const files = existsSync(join(embedded, 'catalog.db'))
        ? [...(await remoteSnapshot(embedded).catch(() => new Map<string, string>())).keys()]
        : [];
      return files.length === count;
    });
    expect([...(await remoteSnapshot(embedded)).keys()].sort()).toEqual(expected);
  });
});

describe('selective sync with a click', () => {
  it('excludes a subfolder and a file type in .hoistignore: their later files never reach the remote; included again, they do', async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha', 'drafts/d.txt': 'draft' });
    const c = await startApp();
    const id = viewOf(await c.call('folders.add', { folder: notes, ...remoteOf(0) })).folders[0]?.id;
    await until('the folder is synced', async () => (await onRemote(remotes[0]!)).length === 2);
    expect(await c.call('folder.exclude', { folder: id, path: 'drafts' })).toMatchObject({
      ok: true,
      result: { paths: ['drafts'], fileTypes: [] },
    });
    expect(await c.call('folder.exclude', { folder: id, fileType: 'mp4' })).toMatchObject({
      ok: true,
      result: { paths: ['drafts'], fileTypes: ['mp4'] },
    });
    // Hoist's rules, in its marked section of .hoistignore (host/selective-sync.ts), any case of the type.
    const rules = await readFile(join(notes, '.hoistignore'), 'utf8');
    expect(rules).toMatch(/^\/drafts\/$/m);
    expect(rules).toMatch(/^\*\.\[mM\]\[pP\]4$/m);
    // Both or neither: refused as an invalid request.
    expect(await c.call('folder.exclude', { folder: id, path: 'x', fileType: 'mp4' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    await writeFile(join(notes, 'drafts', 'later.txt'), 'not sent');
    await writeFile(join(notes, 'clip.mp4'), 'not sent');
    await writeFile(join(notes, 'b.txt'), 'sent');
    await until('b.txt is sent', async () => (await onRemote(remotes[0]!)).includes('b.txt'));
    // The copy already there stays; the later files never went.
    // .hoistignore is Hoist's control file: never uploaded either.
    expect(await onRemote(remotes[0]!)).toEqual(['a.txt', 'b.txt', 'drafts/d.txt']);
    expect(await c.call('folder.exclude', { folder: id, path: 'drafts', include: true })).toMatchObject({
      ok: true,
      result: { paths: [], fileTypes: ['mp4'] },
    });
    await until('drafts/later.txt is sent once included again', async () =>
      (await onRemote(remotes[0]!)).includes('drafts/later.txt'),
    );
    expect(await onRemote(remotes[0]!)).not.toContain('clip.mp4');
  });
});

describe('the CLI with several configured folders', () => {
  it('hoist ui --no-open syncs every configured folder through one embedded remote, and hoist status lists them all', async () => {
    const notes = await folderWith('Notes', { 'a.txt': 'alpha' });
    const contracts = await folderWith('Contracts', { 'b.txt': 'bravo' });
    const later = join(temp.path, 'Later');
    await mkdir(dataRoot(), { recursive: true });
    const folders = [
      { folder: notes, provider: 'local', remoteFolder: 'Notes' },
      { folder: contracts, provider: 'local', remoteFolder: 'Contracts' },
      // Configured, but its folder is not there: it says so, and the others sync.
      { folder: later, provider: 'local', remoteFolder: 'Later' },
    ];
    await writeFile(join(dataRoot(), 'app.json'), JSON.stringify({ folders, theme: 'system' }));
    const ui = processes.spawn(['ui', '--no-open', '--state', dataRoot()], {});
    await ui.waitForStdout(/Press Ctrl-C to stop/, 60_000);
    const embedded = join(dataRoot(), 'remote');
    await until('both folders are on the one embedded remote', async () => {
      // The catalog appears with the remote's first start; its tables a moment later.
      const files = existsSync(join(embedded, 'catalog.db'))
        ? [...(await remoteSnapshot(embedded).catch(() => new Map<string, string>())).keys()]
        : [];
      return files.includes('Notes/a.txt') && files.includes('Contracts/b.txt');
    });

    const status = await processes.run(['status', '--state', dataRoot()], { env: {} });
    expect(status.code, status.stderr).toBe(0);
    const lines = status.stdout.split('\n').filter((line) => !line.startsWith(' '));
    expect(lines.filter((line) => line !== '')).toEqual([
      `${notes} → This computer`,
      `${contracts} → This computer`,
      `${later} → This computer`,
    ]);
    expect(status.stdout).toMatch(/Later → This computer\n {2}in the app; not synced yet/);
    ui.child.kill('SIGTERM');
    expect((await ui.exited).code).toBe(0);
  });
});
