import type { BridgeTransport } from '../../../shared/bridge/bridge-client.js';
import type { ConnectionState } from './connection-state.js';

declare global {
  interface Window {
    /** Set by Electron's preload: the bridge over IPC. Absent in a browser. */
    hoistBridge?: BridgeTransport;
  }
}

export type { ConnectionState } from './connection-state.js';

// The web host's close code for a socket that did not prove the page key (bridge-socket.ts).
const CLOSE_NOT_SIGNED_IN = 4401;
const KEY_ITEM = 'hoist-page-key';

/**
 * The page key of `hoist ui`'s session: it comes in the link's fragment (`#key=…`), which never
 * crosses HTTP, and is kept in this tab's sessionStorage (a reload keeps it; another port or another
 * tab does not see it). It is taken out of the address bar at once, so it is not in the history.
 */
export function takePageKey(): string | null {
  const match = /^#key=([\w-]+)$/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY_ITEM, match[1] as string);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  return sessionStorage.getItem(KEY_ITEM);
}

/**
 * The transport to the host: Electron's preload when present, otherwise a WebSocket to the web host
 * (`bridge` beside the page, with the session cookie), whose first message proves the page key.
 * Messages sent before the socket opens wait for it; a dropped socket is reopened, and `onState`
 * tells the UI.
 */
export function openTransport(onState: (state: ConnectionState) => void): BridgeTransport {
  if (window.hoistBridge) {
    onState('open');
    return window.hoistBridge;
  }
  const key = takePageKey();
  const listeners = new Set<(message: unknown) => void>();
  let queue: string[] = [];
  let socket: WebSocket;
  let retryMs = 250;
  const connect = (): void => {
    onState('connecting');
    const address = new URL('bridge', location.href);
    address.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    address.hash = '';
    socket = new WebSocket(address);
    socket.addEventListener('open', () => {
      retryMs = 250;
      socket.send(JSON.stringify({ type: 'hello', key }));
      onState('open');
      for (const message of queue) socket.send(message);
      queue = [];
    });
    socket.addEventListener('message', (event) => {
      for (const listener of listeners) listener(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (event.code === CLOSE_NOT_SIGNED_IN) return onState('refused');
      onState('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  };
  if (key === null) onState('refused');
  else connect();
  return {
    send: (message) => {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
