import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, type HostMessage } from '../../shared/bridge/contract.js';
import { BridgeServer } from '../../electron/host/bridge/bridge-server.js';
import { HoistApp } from '../../electron/host/hoist-app.js';
import { SessionCredentialStore } from '../../electron/host/web/session-credentials.js';
import { openPair } from '../../electron/host/open-pair.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';

/** One client connection to a bridge server, recording everything the host sends it. */
function client(server: BridgeServer) {
  const received: HostMessage[] = [];
  const connection = server.connect((message) => received.push(message as HostMessage));
  let nextId = 1;
  const answer = async (id: number): Promise<HostMessage> => {
    let found: HostMessage | undefined;
    await until(`an answer to request ${id}`, () => {
      found = received.find((message) => message.type === 'response' && message.id === id);
      return found !== undefined;
    });
    return found as HostMessage;
  };
  return {
    received,
    connection,
    raw: (message: unknown) => connection.receive(message),
    call: async (command: string, payload: unknown = {}): Promise<HostMessage> => {
      const id = nextId++;
      connection.receive(JSON.stringify({ type: 'request', id, command, payload }));
      return answer(id);
    },
    lastRefusal: async (count: number): Promise<HostMessage> => {
      await until(
        'a refusal',
        () => received.filter((m) => m.type === 'response' && m.id === null).length >= count,
      );
      return received.filter((m) => m.type === 'response' && m.id === null)[count - 1] as HostMessage;
    },
  };
}

describe('the bridge server validates every message and answers with typed results or errors', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let app: HoistApp;
  let server: BridgeServer;
  let logged: string[];

  beforeEach(async () => {
    temp = await makeTempDir('hoist-bridge-');
    logged = [];
    const credentials = new SessionCredentialStore(undefined);
    app = new HoistApp({ dataRoot: join(temp.path, 'data'), credentials, openPair });
    await app.start();
    server = new BridgeServer(app, credentials, (line) => logged.push(line));
  });
  afterEach(async () => {
    server.close();
    await app.close();
    await temp.remove();
  });

  it('answers malformed, oversized, unknown and invalid messages with typed errors, logs them, and keeps serving', async () => {
    const c = client(server);
    c.raw('{not json');
    expect(await c.lastRefusal(1)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    c.raw(JSON.stringify({ hello: 'world' }));
    expect(await c.lastRefusal(2)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    c.raw('x'.repeat(MAX_MESSAGE_CHARS + 1));
    expect(await c.lastRefusal(3)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    c.raw({ type: 'request', id: 99, command: 'app.get', payload: { big: 'y'.repeat(MAX_MESSAGE_CHARS) } });
    expect(await c.lastRefusal(4)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    c.raw(123);
    expect(await c.lastRefusal(5)).toMatchObject({ ok: false, error: { code: 'malformed' } });

    expect(await c.call('files.deleteEverything')).toMatchObject({
      ok: false,
      error: { code: 'unknown-command' },
    });
    expect(await c.call('__proto__')).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(await c.call('remote.page', { folder: 'x', offset: -1, limit: 10 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await c.call('remote.page', { folder: 'x', offset: 0, limit: 10, extra: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await c.call('settings.update', { folder: 'x', concurrency: 1000 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    // A folder that names no configured folder: a typed error in words, not a crash.
    expect(await c.call('status.get', { folder: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'no-pair' },
    });
    // Per-folder commands must name their folder.
    expect(await c.call('status.get')).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(logged.filter((line) => line.includes('refused')).length).toBeGreaterThanOrEqual(5);

    const view = await c.call('app.get');
    expect(view).toMatchObject({
      ok: true,
      result: { folders: [], theme: 'system', uploadsAtOnce: 4, bandwidthLimit: null },
    });
  });

  it('adds a folder, lists its remote files and never sends the token back', async () => {
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'a.txt'), 'alpha');
    await writeFile(join(folder, 'b.txt'), 'bravo!');
    const c = client(server);
    const opened = await c.call('folders.add', { folder, provider: 'local' });
    expect(opened).toMatchObject({
      ok: true,
      result: { folders: [{ folder, name: 'folder', provider: 'local', canDelete: true }] },
    });
    const id = (opened as { result: { folders: Array<{ id: string }> } }).result.folders[0]?.id;
    await until('both files are on the remote', async () => {
      const page = await c.call('remote.page', { folder: id, offset: 0, limit: 10 });
      return page.type === 'response' && page.ok && (page.result as { total: number }).total === 2;
    });
    const page = await c.call('remote.page', { folder: id, offset: 0, limit: 10, search: 'B.TXT' });
    expect(page).toMatchObject({
      ok: true,
      result: { total: 1, items: [{ displayPath: 'b.txt', status: 'synced' }] },
    });

    const secretToken = 'tok-SECRET-5f2b9c';
    // The same folder to another remote: "choose another remote" for it (folders.update), with a token.
    const updated = await c.call('folders.update', {
      folder: id,
      provider: 'alloy',
      remoteUrl: 'http://127.0.0.1:9',
    });
    expect(updated).toMatchObject({
      ok: true,
      result: { folders: [{ provider: 'alloy', tokenSet: false }] },
    });
    const newId = (updated as { result: { folders: Array<{ id: string }> } }).result.folders[0]?.id;
    expect(newId).not.toBe(id);
    await c.call('token.set', { folder: newId, token: secretToken });
    const view = await c.call('app.get');
    expect(view).toMatchObject({ ok: true, result: { folders: [{ provider: 'alloy', tokenSet: true }] } });
    expect(JSON.stringify(c.received)).not.toContain(secretToken);
  });

  it('in a browser (no desktop shell), offers no folder picker, switches or session-only tokens', async () => {
    const c = client(server);
    const view = await c.call('app.get');
    expect(view).toMatchObject({
      ok: true,
      result: { desktop: null, canKeepTokenForSession: false, credentialStore: 'memory' },
    });
    for (const command of ['desktop.pickFolder', 'desktop.update', 'credentials.useSessionOnly']) {
      const answer = await c.call(command);
      expect(answer).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    }
    expect(await c.call('desktop.openFolder', { folder: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'no-pair' },
    });
  });

  it('coalesces status events to about seven a second, each naming its folder', async () => {
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    const c = client(server);
    const opened = await c.call('folders.add', { folder, provider: 'local' });
    const id = (opened as { result: { folders: Array<{ id: string }> } }).result.folders[0]?.id as string;
    await app.ready();
    const before = c.received.filter((m) => m.type === 'event' && m.event === 'status').length;
    const started = Date.now();
    for (let i = 0; i < 500; i++) app.events.emit('status', id);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const elapsed = Date.now() - started;
    const sent = c.received.filter((m) => m.type === 'event' && m.event === 'status').length - before;
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(Math.ceil(elapsed / 150) + 1);
    const last = c.received.filter((m) => m.type === 'event' && m.event === 'status').at(-1);
    expect(last).toMatchObject({ payload: { folder: id, status: { state: expect.any(String) } } });
  });
});
