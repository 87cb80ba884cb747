import { request, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { until } from './poll-until.js';

/** The link `hoist ui` prints: a one-time `once` and the page key in the fragment. */
export const UI_LINK = /(http:\/\/127\.0\.0\.1:\d+\/login\?once=[\w-]{43}#key=[\w-]{43})/;

/** What a browser holds after opening a link: the page's address, its cookie, and the fragment's key. */
export interface UiSession {
  origin: string;
  /** The page's full URL (`…/s/<path>/`), as the address bar shows it. */
  page: string;
  /** `name=value`, as a Cookie header carries it. */
  cookie: string;
  key: string;
}

/** A plain request (GET unless told), answering status, headers and body (no redirect followed). */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Opens a link as a browser does: the part before `#` goes to the host, which answers with a cookie
 * and the page's address; the fragment (the key) stays with the client.
 */
export async function openLink(link: string): Promise<UiSession> {
  const [address, fragment = ''] = link.split('#');
  const answer = await httpGet(address as string);
  if (answer.status !== 303) throw new Error(`the link was refused (${answer.status}): ${answer.body}`);
  const origin = new URL(link).origin;
  return {
    origin,
    page: new URL(String(answer.headers.location), origin).href,
    cookie: String(answer.headers['set-cookie']).split(';')[0] ?? '',
    key: new URLSearchParams(fragment).get('key') ?? '',
  };
}

/** The bridge's address beside a session's page. */
export function bridgeUrl(session: UiSession): string {
  return new URL('bridge', session.page).href.replace(/^http/, 'ws');
}

/**
 * Opens a WebSocket with exactly these headers and first message; resolves 'open' once the host
 * answered the first request, else the HTTP status it was refused with or the close code.
 */
export function tryBridge(
  url: string,
  headers: Record<string, string>,
  hello: unknown,
): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.send(JSON.stringify(hello));
      socket.send(JSON.stringify({ type: 'request', id: 1, command: 'app.get', payload: {} }));
    });
    socket.on('message', () => {
      socket.close();
      resolve('open');
    });
    socket.on('close', (code) => resolve(code));
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

export interface BridgeTestClient {
  socket: WebSocket;
  /** Every message the host sent, as text. */
  received: string[];
  /** Sends a request and waits for its answer. */
  call(command: string, payload?: unknown): Promise<unknown>;
  close(): void;
}

/** Opens the bridge as the page does: its own Origin, the cookie, and the key as the first message. */
export async function openBridge(session: UiSession): Promise<BridgeTestClient> {
  const socket = new WebSocket(bridgeUrl(session), {
    headers: { Origin: session.origin, Cookie: session.cookie },
  });
  const received: string[] = [];
  socket.on('message', (data: Buffer) => received.push(data.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'hello', key: session.key }));
  let nextId = 1;
  return {
    socket,
    received,
    close: () => socket.close(),
    call: async (command, payload = {}) => {
      const id = nextId++;
      socket.send(JSON.stringify({ type: 'request', id, command, payload }));
      let found: unknown;
      await until(`an answer to ${command}`, () => {
        for (const message of received) {
          const parsed = JSON.parse(message) as { type: string; id?: number };
          if (parsed.type === 'response' && parsed.id === id) found = parsed;
        }
        return found !== undefined;
      });
      return found;
    },
  };
}
