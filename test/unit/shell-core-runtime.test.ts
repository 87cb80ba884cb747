import { describe, expect, it } from 'vitest';
import type { CoreFolderRow, CoreToMain } from '../../electron/main/core-process/core-protocol.js';
import { runCore } from '../../electron/main/core-process/core-runtime.js';
import type { CoreContext, CoreServices } from '../../electron/main/core-process/create-core-services.js';

/** The utility process's parentPort and the app core, as plain objects (no Electron here). */
function harness() {
  const posted: CoreToMain[] = [];
  const events: string[] = [];
  let fromMain: (message: unknown) => void = () => undefined;
  let statusListener: (folders: CoreFolderRow[]) => void = () => undefined;
  let release: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (release = resolve));
  let context: CoreContext | null = null;
  const services: CoreServices = {
    bridge: {
      connect: (send) => {
        events.push('connect');
        return {
          receive: (message) => {
            events.push(`receive ${JSON.stringify(message)}`);
            send({ reply: message });
          },
          close: () => events.push('bridge close'),
        };
      },
    },
    onStatus: (listener) => {
      statusListener = listener;
      return () => undefined;
    },
    runTrayCommand: async (command, until, folder) => {
      events.push(`tray ${command} ${until} ${folder ?? 'every folder'}`);
    },
    close: async () => {
      events.push('services close');
    },
  };
  const exits: number[] = [];
  const running = runCore(
    { postMessage: (message) => posted.push(message), onMessage: (listener) => (fromMain = listener) },
    async (given) => {
      context = given;
      await started;
      return services;
    },
    {
      appRoot: '/app',
      sqliteNativeBinding: '/app/native/better_sqlite3.node',
      exit: (code) => exits.push(code),
    },
  );
  return {
    posted,
    events,
    exits,
    send: (message: unknown) => fromMain(message),
    status: (folders: CoreFolderRow[]) => statusListener(folders),
    start: async () => {
      release();
      await running;
    },
    context: () => context!,
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('core runtime', () => {
  it('says ready once the services run, and handles what main sent meanwhile', async () => {
    const h = harness();
    h.send({ type: 'bridge-open', connection: 1 });
    h.send({ type: 'bridge-message', connection: 1, message: { n: 1 } });
    expect(h.posted).toEqual([]);
    await h.start();
    expect(h.context().sqliteNativeBinding).toBe('/app/native/better_sqlite3.node');
    expect(h.context().appRoot).toBe('/app');
    expect(h.posted).toEqual([
      { type: 'ready' },
      { type: 'bridge-message', connection: 1, message: { reply: { n: 1 } } },
    ]);
  });

  it("forwards every folder's row, runs tray commands on one folder or all, ignores malformed messages with a log line", async () => {
    const h = harness();
    await h.start();
    const rows: CoreFolderRow[] = [
      { id: 'id-notes', name: 'Notes', path: '/home/ada/Notes', status: null, openError: null },
      { id: 'id-contracts', name: 'Contracts', path: '/home/ada/Contracts', status: null, openError: 'Gone' },
    ];
    h.status(rows);
    h.send({ type: 'tray-command', command: 'pause', until: 5000 });
    h.send({ type: 'tray-command', command: 'sync-now', until: null, folder: 'id-contracts' });
    h.send({ type: 'nonsense' });
    await settle();
    expect(h.events).toEqual(['tray pause 5000 every folder', 'tray sync-now null id-contracts']);
    expect(h.posted.slice(1)).toEqual([
      { type: 'status', folders: rows },
      { type: 'log', line: 'core: ignored a malformed message from main' },
    ]);
  });

  it('asks main for tokens and gets the answers back', async () => {
    const h = harness();
    await h.start();
    const token = h.context().credentials.get('alloy https://a');
    const request = h.posted.at(-1)!;
    expect(request).toEqual({ type: 'credential-request', id: 1, op: 'get', account: 'alloy https://a' });
    h.send({ type: 'credential-reply', id: 1, kind: 'keychain', result: { ok: true, value: 'tok' } });
    expect(await token).toBe('tok');
  });

  it('stops cleanly: closes bridge connections and the services, says stopped, exits 0, once', async () => {
    const h = harness();
    await h.start();
    h.send({ type: 'bridge-open', connection: 4 });
    h.send({ type: 'stop' });
    h.send({ type: 'stop' });
    await settle();
    expect(h.events).toEqual(['connect', 'bridge close', 'services close']);
    expect(h.posted.at(-1)).toEqual({ type: 'stopped' });
    expect(h.exits).toEqual([0]);
  });
});
