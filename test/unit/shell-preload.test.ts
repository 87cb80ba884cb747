import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  routeCoreMessage,
  type CoreMessageHandlers,
} from '../../electron/main/core-process/core-message-router.js';
import {
  answerShellRequest,
  type DesktopShellApi,
} from '../../electron/main/shell-actions/shell-request-handler.js';
import { BRIDGE_CHANNEL } from '../../electron/main/ipc/bridge-channel.js';

// The preload imports `electron`, which cannot load here, so its source is checked as text: it must
// expose exactly the bridge, on the channel main listens to, and nothing else.
describe('preload', () => {
  it('exposes only window.hoistBridge { send, onMessage } on main’s bridge channel', async () => {
    const source = await readFile(new URL('../../electron/preload/index.ts', import.meta.url), 'utf8');
    expect(source).toContain(`const BRIDGE_CHANNEL = '${BRIDGE_CHANNEL}';`);
    expect(source.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(source).toContain("contextBridge.exposeInMainWorld('hoistBridge', {");
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(imports).toEqual(['electron']);
    // Only these two members, and ipcRenderer never handed out.
    expect([...source.matchAll(/^ {2}(\w+)\(/gm)].map((match) => match[1])).toEqual(['send', 'onMessage']);
    expect(source).not.toMatch(/hoistBridge[\s\S]*ipcRenderer[,}]/);
  });
});

describe('core messages in main', () => {
  function handlers(): CoreMessageHandlers & { calls: unknown[] } {
    const calls: unknown[] = [];
    return {
      calls,
      status: (folders) => calls.push(['status', folders]),
      bridge: (connection, message) => calls.push(['bridge', connection, message]),
      credentials: async (request) => ({
        type: 'credential-reply',
        id: request.id,
        kind: 'keychain',
        result: { ok: true, value: null },
      }),
      shell: async (request) => ({ type: 'shell-reply', id: request.id, path: null }),
      desktopSettings: async (request) => ({
        type: 'desktop-settings-reply',
        id: request.id,
        settings: { notifications: true, startAtLogin: false },
      }),
      reply: (message) => calls.push(['reply', message]),
      log: (line) => calls.push(['log', line]),
    };
  }

  it('routes each kind of message and answers requests', async () => {
    const h = handlers();
    const row = { id: 'id-notes', name: 'Notes', path: '/home/ada/Notes', status: null, openError: 'Gone' };
    routeCoreMessage({ type: 'status', folders: [row] }, h);
    // The old one-status message, and a row without its path, are not the protocol: logged, dropped.
    routeCoreMessage({ type: 'status', status: null, pausedUntil: 5 }, h);
    routeCoreMessage({ type: 'status', folders: [{ ...row, path: undefined }] }, h);
    routeCoreMessage({ type: 'bridge-message', connection: 2, message: { a: 1 } }, h);
    routeCoreMessage({ type: 'credential-request', id: 9, op: 'get', account: 'x' }, h);
    routeCoreMessage({ type: 'log', line: 'hello' }, h);
    routeCoreMessage({ type: 'what' }, h);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.calls).toEqual([
      ['status', [row]],
      ['log', 'core: ignored a malformed message'],
      ['log', 'core: ignored a malformed message'],
      ['bridge', 2, { a: 1 }],
      ['log', 'core: hello'],
      ['log', 'core: ignored a malformed message'],
      ['reply', { type: 'credential-reply', id: 9, kind: 'keychain', result: { ok: true, value: null } }],
    ]);
  });
});

describe('desktop shell requests from the app core', () => {
  function api(): DesktopShellApi & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      pickFolder: async () => '/home/ada/Documents',
      showItemInFolder: (path) => calls.push(`show ${path}`),
      openPath: async (path) => {
        calls.push(`open ${path}`);
        return '';
      },
      isDirectory: async (path) => path.endsWith('/Documents'),
    };
  }

  it('picks a folder, shows a file, opens only folders, and refuses relative paths', async () => {
    const a = api();
    expect(await answerShellRequest({ type: 'shell-request', id: 1, action: 'pick-folder' }, a)).toEqual({
      type: 'shell-reply',
      id: 1,
      path: '/home/ada/Documents',
    });
    await answerShellRequest(
      { type: 'shell-request', id: 2, action: 'show-in-folder', path: '/home/ada/a.txt' },
      a,
    );
    expect(
      await answerShellRequest(
        { type: 'shell-request', id: 3, action: 'open-folder', path: '/home/ada/run.sh' },
        a,
      ),
    ).toEqual({ type: 'shell-reply', id: 3, path: null, error: '/home/ada/run.sh is not a folder' });
    await answerShellRequest(
      { type: 'shell-request', id: 4, action: 'open-folder', path: '/home/ada/Documents' },
      a,
    );
    expect(
      await answerShellRequest({ type: 'shell-request', id: 5, action: 'show-in-folder', path: '../etc' }, a),
    ).toEqual({ type: 'shell-reply', id: 5, path: null, error: 'not an absolute path' });
    expect(a.calls).toEqual(['show /home/ada/a.txt', 'open /home/ada/Documents']);
  });
});
