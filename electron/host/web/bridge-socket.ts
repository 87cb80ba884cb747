import type { WebSocket } from 'ws';
import type { BridgeServer } from '../bridge/bridge-server.js';
import { equalSecrets } from './session-links.js';

/** Close codes the page understands (4000–4999 are the application's own, RFC 6455 §7.4.2). */
export const CLOSE_NOT_SIGNED_IN = 4401;
export const CLOSE_NOT_READING = 4408;

// Replies and events a client has not taken off its socket yet (ws `bufferedAmount`). A page takes
// them as they come; a client that stops reading while it asks for more would otherwise grow this
// process without limit (issue 15: 1.4–3.5 GB). 16 MB holds sixteen of the largest replies the bridge
// sends (MAX_MESSAGE_CHARS); past it the connection is closed and its memory freed.
export const MAX_UNREAD_BYTES = 16 * 1024 * 1024;
// Long enough for a slow machine to run the page's first script; a socket that says nothing is closed.
const HELLO_TIMEOUT_MS = 10_000;

/**
 * Joins a WebSocket to the bridge once its first message proves the session's page key (`{"type":
 * "hello","key":…}`): the cookie that opened the socket is not enough, since a browser sends it to
 * any port of 127.0.0.1. Anything else first, or nothing within ten seconds, closes the socket.
 */
export function attachBridgeSocket(
  ws: WebSocket,
  options: { bridge: BridgeServer; key: string; log: (line: string) => void },
): void {
  const { bridge, key, log } = options;
  const timer = setTimeout(() => refuse('said nothing'), HELLO_TIMEOUT_MS);
  let connection: ReturnType<BridgeServer['connect']> | null = null;

  function refuse(why: string): void {
    log(`web host: closed a WebSocket that ${why} (no page key)`);
    ws.close(CLOSE_NOT_SIGNED_IN, 'This window is not signed in');
  }

  ws.on('message', (data, isBinary) => {
    if (connection) return connection.receive(isBinary ? '\u0000binary' : data.toString());
    clearTimeout(timer);
    if (isBinary || !equalSecrets(helloKey(data.toString()), key)) return refuse('did not prove it');
    connection = bridge.connect((message) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
        log(`web host: closed a WebSocket that left ${ws.bufferedAmount} bytes unread`);
        ws.close(CLOSE_NOT_READING, 'Too many replies not read');
        // A client that does not read will not read the close frame either.
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    });
  });
  ws.on('close', () => {
    clearTimeout(timer);
    connection?.close();
  });
  ws.on('error', (error) => log(`web host: WebSocket error: ${error.message}`));
}

function helloKey(text: string): string | null {
  try {
    const hello = JSON.parse(text) as { type?: unknown; key?: unknown } | null;
    return hello?.type === 'hello' && typeof hello.key === 'string' ? hello.key : null;
  } catch {
    return null;
  }
}
