import { describe, expect, it } from 'vitest';
import { CoreBridgeClient } from '../../electron/main/core-process/core-bridge-client.js';
import { CoreBridgeHost } from '../../electron/main/core-process/core-bridge-host.js';
import {
  parseCoreToMain,
  parseMainToCore,
  type MainToCore,
} from '../../electron/main/core-process/core-protocol.js';
import { BRIDGE_CHANNEL, MAX_BRIDGE_MESSAGE_BYTES } from '../../electron/main/ipc/bridge-channel.js';
import {
  startBridgeRelay,
  type BridgeEndpoint,
  type IpcEventLike,
  type IpcListener,
  type IpcMainLike,
  type WebContentsLike,
} from '../../electron/main/ipc/bridge-relay.js';
import { checkRendererMessage, type FrameLike } from '../../electron/main/ipc/renderer-message-check.js';

// Plain objects standing in for Electron's ipcMain, webContents and WebFrameMain (the Electron binary
// cannot run here); each has exactly the members the relay uses.

const OWN = 'app://hoist/index.html#/';
const isOwnUrl = (url: string): boolean => url.startsWith('app://hoist/');
const topFrame = (url = OWN): FrameLike => ({ url, parent: null });

class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Set<IpcListener>>();
  on(channel: string, listener: IpcListener): void {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
  }
  removeListener(channel: string, listener: IpcListener): void {
    this.listeners.get(channel)?.delete(listener);
  }
  emit(channel: string, event: IpcEventLike, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }
}

class FakeWebContents implements WebContentsLike {
  readonly sent: Array<[string, unknown]> = [];
  destroyed = false;
  private readonly onDestroyed: Array<() => void> = [];
  constructor(readonly id: number) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, message: unknown): void {
    this.sent.push([channel, message]);
  }
  once(_event: 'destroyed', listener: () => void): void {
    this.onDestroyed.push(listener);
  }
  destroy(): void {
    this.destroyed = true;
    for (const listener of this.onDestroyed.splice(0)) listener();
  }
}

/** A bridge server that echoes every message back and records connections. */
function echoBridge() {
  const log: string[] = [];
  let next = 0;
  const bridge: BridgeEndpoint = {
    connect(send) {
      const id = ++next;
      log.push(`open ${id}`);
      return {
        receive: (message) => {
          log.push(`receive ${id} ${JSON.stringify(message)}`);
          send({ echo: message, connection: id });
        },
        close: () => log.push(`close ${id}`),
      };
    },
  };
  return { bridge, log };
}

describe('renderer message check', () => {
  it('passes a JSON copy of an object from the top frame of our own page', () => {
    const message = { type: 'command', name: 'status', when: new Date(0) };
    const checked = checkRendererMessage(topFrame(), [message], isOwnUrl);
    expect(checked).toEqual({
      ok: true,
      message: { type: 'command', name: 'status', when: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('rejects foreign frames, subframes and a vanished frame', () => {
    expect(checkRendererMessage(topFrame('https://evil.example/'), [{}], isOwnUrl)).toEqual({
      ok: false,
      reason: 'sent from a page that is not Hoist’s',
    });
    expect(checkRendererMessage(topFrame('file:///tmp/evil.html'), [{}], isOwnUrl).ok).toBe(false);
    expect(checkRendererMessage({ url: OWN, parent: topFrame() }, [{}], isOwnUrl)).toEqual({
      ok: false,
      reason: 'sent from a subframe',
    });
    expect(checkRendererMessage(null, [{}], isOwnUrl)).toEqual({
      ok: false,
      reason: 'the sending frame is gone',
    });
  });

  it('rejects malformed messages: not one argument, not an object, not JSON, too large', () => {
    const reason = (args: unknown[]): string | undefined => {
      const checked = checkRendererMessage(topFrame(), args, isOwnUrl);
      return checked.ok ? undefined : checked.reason;
    };
    expect(reason([])).toBe('expected one message, got 0');
    expect(reason([{}, {}])).toBe('expected one message, got 2');
    for (const value of [null, 'text', 42, true, undefined, [1, 2]]) {
      expect(reason([value]), String(value)).toBe('the message is not an object');
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(reason([cyclic])).toBe('the message is not JSON');
    expect(reason([{ big: 1n }])).toBe('the message is not JSON');
    expect(reason([{ text: 'x'.repeat(MAX_BRIDGE_MESSAGE_BYTES) }])).toBe('the message is too large');
    expect(reason([{ text: 'x'.repeat(1000) }])).toBeUndefined();
  });
});

describe('bridge relay', () => {
  function setup() {
    const ipcMain = new FakeIpcMain();
    const { bridge, log } = echoBridge();
    const logged: string[] = [];
    const relay = startBridgeRelay({ ipcMain, bridge, isOwnUrl, log: (line) => logged.push(line) });
    return { ipcMain, log, logged, relay };
  }

  it('listens on the bridge channel only', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.listeners.keys()]).toEqual([BRIDGE_CHANNEL]);
  });

  it('opens one connection per window, relays both ways, and closes it when the window goes', () => {
    const { ipcMain, log } = setup();
    const one = new FakeWebContents(1);
    const two = new FakeWebContents(2);
    ipcMain.emit(BRIDGE_CHANNEL, { sender: one, senderFrame: topFrame() }, { n: 1 });
    ipcMain.emit(BRIDGE_CHANNEL, { sender: one, senderFrame: topFrame() }, { n: 2 });
    ipcMain.emit(BRIDGE_CHANNEL, { sender: two, senderFrame: topFrame() }, { n: 3 });
    expect(one.sent).toEqual([
      [BRIDGE_CHANNEL, { echo: { n: 1 }, connection: 1 }],
      [BRIDGE_CHANNEL, { echo: { n: 2 }, connection: 1 }],
    ]);
    expect(two.sent).toEqual([[BRIDGE_CHANNEL, { echo: { n: 3 }, connection: 2 }]]);
    one.destroy();
    expect(log).toEqual([
      'open 1',
      'receive 1 {"n":1}',
      'receive 1 {"n":2}',
      'open 2',
      'receive 2 {"n":3}',
      'close 1',
    ]);
  });

  it('drops foreign and malformed messages with a log line that does not repeat them', () => {
    const { ipcMain, log, logged } = setup();
    const window = new FakeWebContents(7);
    ipcMain.emit(
      BRIDGE_CHANNEL,
      { sender: window, senderFrame: topFrame('https://evil.example/') },
      { secret: 's3cr3t' },
    );
    ipcMain.emit(BRIDGE_CHANNEL, { sender: window, senderFrame: topFrame() }, 'just text');
    ipcMain.emit(BRIDGE_CHANNEL, { sender: window, senderFrame: topFrame() });
    ipcMain.emit('some-other-channel', { sender: window, senderFrame: topFrame() }, { n: 1 });
    expect(log).toEqual([]);
    expect(window.sent).toEqual([]);
    expect(logged).toEqual([
      'bridge: ignored a message from window 7: sent from a page that is not Hoist’s',
      'bridge: ignored a message from window 7: the message is not an object',
      'bridge: ignored a message from window 7: expected one message, got 0',
    ]);
    expect(logged.join('\n')).not.toContain('s3cr3t');
  });

  it('sends nothing to a destroyed window, and close() stops listening and closes connections', () => {
    const { ipcMain, log, relay } = setup();
    const window = new FakeWebContents(3);
    window.destroyed = true;
    ipcMain.emit(BRIDGE_CHANNEL, { sender: window, senderFrame: topFrame() }, { n: 1 });
    expect(window.sent).toEqual([]);
    relay.close();
    expect(ipcMain.listeners.get(BRIDGE_CHANNEL)?.size).toBe(0);
    expect(log.at(-1)).toBe('close 1');
  });
});

describe('bridge over the core process channel', () => {
  it('numbers connections, relays both ways through parsed messages, and drops traffic for closed ones', () => {
    const { bridge, log } = echoBridge();
    // The two ends joined the way main and the utility process are: every message is parsed on arrival.
    const toCore = (message: MainToCore): boolean => {
      const parsed = parseMainToCore(JSON.parse(JSON.stringify(message)));
      if (parsed === null) throw new Error('main sent a malformed message');
      if (parsed.type === 'bridge-open') host.open(parsed.connection);
      if (parsed.type === 'bridge-message') host.receive(parsed.connection, parsed.message);
      if (parsed.type === 'bridge-close') host.close(parsed.connection);
      return true;
    };
    const host = new CoreBridgeHost(bridge, (message) => {
      const parsed = parseCoreToMain(JSON.parse(JSON.stringify(message)));
      if (parsed?.type !== 'bridge-message') throw new Error('the core sent a malformed message');
      client.deliver(parsed.connection, parsed.message);
    });
    const client = new CoreBridgeClient(toCore);
    const received: unknown[] = [];
    const connection = client.connect((message) => received.push(message));
    connection.receive({ type: 'hello' });
    expect(received).toEqual([{ echo: { type: 'hello' }, connection: 1 }]);
    connection.close();
    connection.receive({ type: 'late' });
    expect(log).toEqual(['open 1', 'receive 1 {"type":"hello"}', 'close 1']);
  });

  it('the protocol parsers refuse what does not fit', () => {
    expect(parseMainToCore({ type: 'bridge-open', connection: -1 })).toBeNull();
    expect(parseMainToCore({ type: 'tray-command', command: 'format-disk', until: null })).toBeNull();
    expect(parseMainToCore({ type: 'stop' })).toEqual({ type: 'stop' });
    expect(parseCoreToMain({ type: 'credential-request', id: 1, op: 'steal', account: 'x' })).toBeNull();
    expect(parseCoreToMain('ready')).toBeNull();
    expect(parseCoreToMain({ type: 'ready' })).toEqual({ type: 'ready' });
  });
});

describe('bridge connections opened before the core is ready', () => {
  it('hold the window’s messages and send them, in order, once the core is ready', () => {
    const posted: MainToCore[] = [];
    let ready = false;
    const client = new CoreBridgeClient((message) => {
      if (!ready) return false;
      posted.push(message);
      return true;
    });
    const early = client.connect(() => undefined);
    early.receive({ n: 1 });
    early.receive({ n: 2 });
    const closed = client.connect(() => undefined);
    closed.receive({ n: 'never' });
    closed.close();
    expect(posted).toEqual([]);
    ready = true;
    client.coreReady();
    early.receive({ n: 3 });
    expect(posted).toEqual([
      { type: 'bridge-open', connection: 1 },
      { type: 'bridge-message', connection: 1, message: { n: 1 } },
      { type: 'bridge-message', connection: 1, message: { n: 2 } },
      { type: 'bridge-message', connection: 1, message: { n: 3 } },
    ]);
  });

  it('caps what one window may queue', () => {
    const logged: string[] = [];
    const client = new CoreBridgeClient(
      () => false,
      (line) => logged.push(line),
    );
    const connection = client.connect(() => undefined);
    for (let i = 0; i < 1001; i++) connection.receive({ i });
    expect(logged).toEqual(['bridge: window connection 1 sent too much while the sync process was starting']);
  });
});
