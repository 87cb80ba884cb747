import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeServer } from '../bridge/bridge-server.js';
import { readStatic } from './static-files.js';

export interface WebHostOptions {
  bridge: BridgeServer;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface WebHost {
  /** The URL to open once: it carries the per-run secret. */
  openUrl: string;
  /** The URL without the secret. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'hoist_session';
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
// A little above the bridge's own limit, so an oversized request still gets the bridge's typed error;
// beyond this ws closes the connection instead of buffering it.
const MAX_WS_PAYLOAD = 4 * 1024 * 1024;

/**
 * `hoist ui`'s server: the built renderer and the bridge over a WebSocket, on 127.0.0.1 only. A random
 * secret (256 bits) in the URL printed at start is traded on first use for an HttpOnly, SameSite=Strict
 * cookie; without that cookie, with a Host that is not our loopback address (DNS rebinding), or with a
 * foreign Origin, every request and WebSocket upgrade is refused.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? (() => undefined);
  const secret = randomBytes(32).toString('base64url');
  const session = randomBytes(32).toString('base64url');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const checkOrigin = (req: IncomingMessage): string | null => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return 'the Host header is not this computer';
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().some((host) => origin === `http://${host}`)) {
      return 'the request came from another site';
    }
    return null;
  };
  const hasSession = (req: IncomingMessage): boolean => equal(cookieOf(req.headers.cookie, COOKIE), session);

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`web host: ${(error as Error).message}`);
      if (!res.headersSent) plain(res, 500, 'Hoist could not answer this request.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = checkOrigin(req);
    if (refusal) return plain(res, 403, `Refused: ${refusal}.`);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const offered = url.searchParams.get('secret');
    if (offered !== null) {
      if (!equal(offered, secret))
        return plain(res, 403, 'This link is not valid. Use the link hoist ui printed.');
      res.writeHead(303, {
        'Set-Cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (!hasSession(req)) return plain(res, 403, 'Open Hoist with the link hoist ui printed.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET here.');
    const file = await readStatic(options.rendererDir, url.pathname);
    if (!file) return plain(res, 404, 'Not found.');
    res.writeHead(200, {
      ...securityHeaders(),
      'Content-Type': file.type,
      'Content-Length': file.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkOrigin(req) ?? (hasSession(req) ? null : 'no session');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (refusal || path !== '/bridge') {
      log(`web host: refused a WebSocket (${refusal ?? 'wrong path'})`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const connection = options.bridge.connect((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('message', (data, isBinary) => connection.receive(isBinary ? '\u0000binary' : data.toString()));
    ws.on('close', () => connection.close());
    ws.on('error', (error) => log(`web host: WebSocket error: ${error.message}`));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    openUrl: `${base}/?secret=${secret}`,
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function cookieOf(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** Compares secrets in constant time. */
function equal(offered: string | null, expected: string): boolean {
  if (offered === null) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
