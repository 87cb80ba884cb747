import type { BridgeTransport } from '../../../shared/bridge/bridge-client.js';

declare global {
  interface Window {
    /** Set by Electron's preload: the bridge over IPC. Absent in a browser. */
    hoistBridge?: BridgeTransport;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The transport to the host: Electron's preload when present, otherwise a WebSocket to the web host
 * (same origin, `/bridge`; the session cookie goes with it). Messages sent before the socket opens
 * wait for it; a dropped socket is reopened, and `onState` tells the UI.
 */
export function openTransport(onState: (state: ConnectionState) => void): BridgeTransport {
  if (window.hoistBridge) {
    onState('open');
    return window.hoistBridge;
  }
  const listeners = new Set<(message: unknown) => void>();
  let queue: string[] = [];
  let socket: WebSocket;
  let retryMs = 250;
  const connect = (): void => {
    onState('connecting');
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`);
    socket.addEventListener('open', () => {
      retryMs = 250;
      onState('open');
      for (const message of queue) socket.send(message);
      queue = [];
    });
    socket.addEventListener('message', (event) => {
      for (const listener of listeners) listener(event.data);
    });
    socket.addEventListener('close', () => {
      onState('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  };
  connect();
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
