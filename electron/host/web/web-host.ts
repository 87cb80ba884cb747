import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { BridgeServer } from '../bridge/bridge-server.js';
import { attachBridgeSocket } from './bridge-socket.js';
import { SessionLinks, type WebSession } from './session-links.js';
import { findAppIcon, readStatic } from './static-files.js';

export interface WebHostOptions {
  bridge: BridgeServer;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface WebHost {
  /** The host's address, without any secret: it opens nothing by itself. */
  url: string;
  port: number;
  /**
   * A new link that opens one browser tab's session, once (see SessionLinks): `/login?once=…` and the
   * page key in its fragment. Give it to the person only: it must not go on a command line.
   */
  newLink(): string;
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
const NOT_SIGNED_IN = 'Open Hoist with a link from hoist ui.';

/**
 * `hoist ui`'s server: the built renderer and the bridge over a WebSocket, on 127.0.0.1 only. A link
 * (newLink) is traded once for a session (session-links.ts): the page lives at `/s/<path>/`, with a
 * cookie scoped to that path, and its WebSocket (`/s/<path>/bridge`) must come from this host's own
 * Origin and prove the page key first. A Host that is not our loopback address (DNS rebinding), a
 * foreign or missing Origin on a WebSocket, a used link: refused. Nothing here but the page and the
 * bridge; no HTTP request changes anything (see docs/architecture.md, "hoist ui's session").
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? (() => undefined);
  const links = new SessionLinks();
  const icon = findAppIcon();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  let port = 0;

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const foreignHost = (req: IncomingMessage): boolean => !allowedHosts().includes(req.headers.host ?? '');
  const ownOrigin = (origin: string | undefined): boolean =>
    allowedHosts().some((host) => origin === `http://${host}`);
  /** The session a `/s/<path>/…` request belongs to, and the rest of its path. */
  const sessionOf = (
    req: IncomingMessage,
    pathname: string,
  ): { session: WebSession; rest: string } | null => {
    const match = /^\/s\/([\w-]{43})(\/.*)$/.exec(pathname);
    if (!match) return null;
    const session = links.session(match[1] as string, cookieOf(req.headers.cookie, COOKIE));
    return session ? { session, rest: match[2] as string } : null;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`web host: ${(error as Error).message}`);
      if (!res.headersSent) plain(res, 500, 'Hoist could not answer this request.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (foreignHost(req)) return plain(res, 403, 'Refused: the Host header is not this computer.');
    // Browsers send Origin on some GETs; when they do, it must be ours.
    if (req.headers.origin !== undefined && !ownOrigin(req.headers.origin)) {
      return plain(res, 403, 'Refused: the request came from another site.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET here.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    // GET only: a HEAD (a link preview, a checker) must not spend the link.
    if (url.pathname === '/login' && req.method === 'GET') {
      const session = links.redeem(url.searchParams.get('once') ?? '');
      if (!session) {
        return plain(
          res,
          403,
          'This link was used already or is not valid: each link opens Hoist once. Run hoist ui again, or press Enter where it runs for a new link.',
        );
      }
      // The browser keeps the link's fragment (#key=…) across this redirect (RFC 9110 §10.2.2). Lax,
      // not Strict: the link arrives from the opener's file:// page, a cross-site navigation, whose
      // redirect would go without a Strict cookie. Lax still keeps it off other sites' requests but
      // top-level GETs, and those need the page's path, which no other site knows.
      res.writeHead(303, {
        'Set-Cookie': `${COOKIE}=${session.cookie}; HttpOnly; SameSite=Lax; Path=/s/${session.path}/`,
        Location: `/s/${session.path}/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
      return;
    }
    if (url.pathname === '/favicon.ico' && icon !== null) {
      return send(res, req, { body: await readFile(icon), type: 'image/png' });
    }
    const inSession = sessionOf(req, url.pathname);
    if (!inSession) return plain(res, 403, NOT_SIGNED_IN);
    const file = await readStatic(options.rendererDir, inSession.rest);
    if (!file) return plain(res, 404, 'Not found.');
    send(res, req, file);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const inSession = foreignHost(req) || !ownOrigin(req.headers.origin) ? null : sessionOf(req, pathname);
    if (!inSession || inSession.rest !== '/bridge') {
      log("web host: refused a WebSocket (not this host's page, or no session)");
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      attachBridgeSocket(ws, { bridge: options.bridge, key: inSession.session.key, log }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    port,
    newLink: () => `${base}${links.newLink().path}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, req: IncomingMessage, file: { body: Buffer; type: string }): void {
  res.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': file.type,
    'Content-Length': file.body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
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
