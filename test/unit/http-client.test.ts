import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../../electron/engine/remote/http-client.js';
import { parseRetryAfter } from '../../electron/engine/remote/status-failures.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { sleep } from '../../electron/base/sleep.js';

const SECRET = 'sk-live-very-secret-0042';

/** A real HTTP server on 127.0.0.1 that answers with `handler`; it counts connections and tracks sockets. */
interface TinyServer {
  url: string;
  connections: number;
  open: Set<Socket>;
  close(): Promise<void>;
}

const servers: TinyServer[] = [];
const clients: HttpClient[] = [];

async function tinyServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TinyServer> {
  const server: Server = createServer(handler);
  const tiny: TinyServer = {
    url: '',
    connections: 0,
    open: new Set(),
    close: async () => {
      for (const socket of tiny.open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket: Socket) => {
    tiny.connections += 1;
    tiny.open.add(socket);
    socket.on('close', () => tiny.open.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  tiny.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(tiny);
  return tiny;
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const made = new HttpClient({
    label: 'Alloy',
    secrets: [SECRET],
    errorMessage: (body) => (body as { error?: { message?: string } } | undefined)?.error?.message,
    ...options,
  });
  clients.push(made);
  return made;
}

const get = (url: string, extra: Record<string, unknown> = {}) => ({
  method: 'GET' as const,
  url,
  action: 'list files',
  headers: { authorization: `Bearer ${SECRET}` },
  ...extra,
});

async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a SyncError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(SyncError);
  const error = outcome.error as SyncError;
  // Whatever went wrong, the token is never part of what people or logs see.
  expect(`${error.message}\n${error.detail ?? ''}`).not.toContain(SECRET);
  return error;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close(0)));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000);
  });
  it('treats a past date as now, and nonsense as absent', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('HttpClient', () => {
  it('returns a 2xx body read to the end and parses JSON', async () => {
    const big = {
      files: Array.from({ length: 5000 }, (_, index) => ({ s3Key: `k${index}`, filename: `f${index}` })),
    };
    const server = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(big));
    });
    expect(await client().requestJson(get(`${server.url}/list`))).toEqual(big);
  });

  it('turns a malformed JSON body into a retryable SyncError, not a SyntaxError', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"files": [{"s3Key": "a"');
    });
    const error = await syncError(client().requestJson(get(`${server.url}/list`)));
    expect(error).toMatchObject({
      category: 'network',
      retryable: true,
      reason: 'malformed-response',
      status: 200,
    });
    expect(error.message).toBe(
      'Alloy sent a response Hoist could not read while trying to list files (not valid JSON).',
    );
    expect(error.detail).toContain('{\\"files\\"');
  });

  it('turns an empty or binary success body into the same clear error', async () => {
    const server = await tinyServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(req.url === '/empty' ? '' : Buffer.from([0xff, 0x00, 0xfe]));
    });
    for (const path of ['/empty', '/binary']) {
      expect(await syncError(client().requestJson(get(`${server.url}${path}`)))).toMatchObject({
        reason: 'malformed-response',
      });
    }
  });

  it('says the address is wrong when a web page answers where the API should', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>Sign in</body></html>');
    });
    const error = await syncError(client().requestJson(get(`${server.url}/connectors/files/list`)));
    expect(error).toMatchObject({ category: 'config', retryable: false, reason: 'not-the-api' });
    expect(error.message).toBe(
      `The server at ${server.url} answered with a web page, not the Alloy API. Check the server address in Settings.`,
    );
  });

  it('reports a body cut short as a retryable network error', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"files": [');
      setImmediate(() => res.socket?.destroy());
    });
    expect(await syncError(client().requestJson(get(`${server.url}/list`)))).toMatchObject({
      category: 'network',
      retryable: true,
    });
  });

  it('classifies 401 and 403 on the API as auth errors a person can act on', async () => {
    const server = await tinyServer((req, res) => {
      const status = req.url === '/forbidden' ? 403 : 401;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: status === 403 ? 'Token lacks the files scope' : 'bad token' } }),
      );
    });
    const unauthorized = await syncError(client().request(get(`${server.url}/list`)));
    expect(unauthorized).toMatchObject({ category: 'auth', retryable: false, status: 401 });
    expect(unauthorized.message).toBe('Alloy rejected the API token (401). Update it in Settings.');
    const forbidden = await syncError(client().request(get(`${server.url}/forbidden`)));
    expect(forbidden).toMatchObject({ category: 'auth', status: 403 });
    expect(forbidden.message).toContain('Token lacks the files scope');
    // A presigned URL carries its own authorization: its 403 says nothing about the token.
    const object = await syncError(client().request(get(`${server.url}/forbidden`, { target: 'object' })));
    expect(object).toMatchObject({ category: 'remote-rejected', status: 403 });
  });

  it('quotes the server’s message for other 4xx, and scrubs the token if the server echoes it', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: `filename is required (token was ${SECRET})`, code: 'BAD' } }),
      );
    });
    const error = await syncError(client().request(get(`${server.url}/upload`)));
    expect(error).toMatchObject({ category: 'remote-rejected', retryable: false, status: 400 });
    expect(error.message).toBe('Alloy refused to list files: filename is required (token was ***) (400).');
  });

  it('copes with an error body that is not JSON', async () => {
    const server = await tinyServer((req, res) => {
      const status = req.url === '/502' ? 502 : 404;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 502 ? 'Bad Gateway' : 'no such thing');
    });
    const gateway = await syncError(client().request(get(`${server.url}/502`)));
    expect(gateway).toMatchObject({
      category: 'network',
      retryable: true,
      status: 502,
      reason: 'server-error',
    });
    expect(gateway.detail).toContain('Bad Gateway');
    const missing = await syncError(client().request(get(`${server.url}/404`)));
    expect(missing.message).toBe('Alloy refused to list files: no such thing (404).');
  });

  it('treats the statuses a caller accepts as success', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const response = await client().request(get(`${server.url}/gone`, { okStatuses: [404] }));
    expect(response.status).toBe(404);
  });

  it('reads Retry-After on 429 and holds every request of the provider until then', async () => {
    let calls = 0;
    const server = await tinyServer((_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': new Date(Date.now() + 1500).toUTCString() });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const throttled = client();
    const error = await syncError(throttled.request(get(`${server.url}/a`)));
    expect(error).toMatchObject({ status: 429, retryable: true, reason: 'throttled' });
    // An HTTP date has whole seconds: somewhere between 0.5 and 1.5 s from now.
    expect(error.retryAfterMs).toBeGreaterThan(400);
    expect(error.retryAfterMs).toBeLessThanOrEqual(1500);
    expect(throttled.throttledUntil).toBeGreaterThan(Date.now());
    const started = performance.now();
    await Promise.all([throttled.request(get(`${server.url}/b`)), throttled.request(get(`${server.url}/c`))]);
    expect(performance.now() - started).toBeGreaterThanOrEqual((error.retryAfterMs ?? 0) - 50);
  });

  it('lets an abort cut the throttle wait short', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '30' });
      res.end();
    });
    const throttled = client();
    expect(await syncError(throttled.request(get(server.url)))).toMatchObject({ retryAfterMs: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(throttled.request(get(server.url, { signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('reports a redirect as a configuration problem, without the query', async () => {
    const server = await tinyServer((_req, res) => {
      res.writeHead(301, { location: 'https://elsewhere.example/api?sig=abc' });
      res.end();
    });
    const error = await syncError(client().request(get(`${server.url}/list`)));
    expect(error).toMatchObject({ category: 'config', reason: 'redirected', status: 301 });
    expect(error.message).toContain('https://elsewhere.example/api');
    expect(error.message).not.toContain('sig=abc');
  });

  it('reports a refused connection as a retryable network error', async () => {
    const server = await tinyServer(() => undefined);
    const url = server.url;
    await server.close();
    servers.length = 0;
    const error = await syncError(client().request(get(`${url}/list`)));
    expect(error).toMatchObject({ category: 'network', retryable: true, reason: 'ECONNREFUSED' });
    expect(error.message).toMatch(
      /^Could not reach Alloy at 127\.0\.0\.1:\d+: the connection was refused\.$/,
    );
  });

  it('times out a server that never answers, and one that stalls mid-body', async () => {
    const server = await tinyServer((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"a":');
      }
      // Otherwise: never answer at all.
    });
    const impatient = client({ headersTimeoutMs: 100, bodyTimeoutMs: 100 });
    const silent = await syncError(impatient.request(get(`${server.url}/silent`)));
    expect(silent).toMatchObject({ category: 'network', retryable: true, reason: 'UND_ERR_HEADERS_TIMEOUT' });
    const stalled = await syncError(impatient.request(get(`${server.url}/stall`)));
    expect(stalled).toMatchObject({ category: 'network', retryable: true, reason: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('reports an abort as the abort, not as a network failure', async () => {
    const server = await tinyServer(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(client().request(get(server.url, { signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('keeps connections alive between requests and never opens more than the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await tinyServer((_req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }, 10);
    });
    const pooled = client({ maxConnections: 2 });
    for (let index = 0; index < 10; index++) await pooled.requestJson(get(server.url));
    // Ten requests in turn reuse the pool's connections instead of opening one each.
    expect(server.connections).toBeLessThanOrEqual(2);
    await Promise.all(Array.from({ length: 12 }, () => pooled.requestJson(get(server.url))));
    expect(most).toBeLessThanOrEqual(2);
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('streams an async iterable body with the declared length', async () => {
    let received = Buffer.alloc(0);
    let headers: IncomingMessage['headers'] = {};
    const server = await tinyServer(async (req, res) => {
      headers = req.headers;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received = Buffer.concat(chunks);
      res.writeHead(200);
      res.end();
    });
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let index = 0; index < 100; index++) yield Buffer.alloc(1000, index);
    }
    await client().request({
      method: 'PUT',
      url: `${server.url}/object`,
      action: 'store',
      headers: { 'content-length': '100000' },
      body: body(),
    });
    expect(received.length).toBe(100_000);
    expect(headers['content-length']).toBe('100000');
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
  });

  it('blames the file, not the network, when a body has other bytes than announced or fails', async () => {
    const server = await tinyServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200);
        res.end();
      });
    });
    async function* short(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(10);
    }
    const tooShort = await syncError(
      client().request({
        method: 'PUT',
        url: server.url,
        action: 'store',
        headers: { 'content-length': '20' },
        body: short(),
      }),
    );
    expect(tooShort).toMatchObject({ category: 'local-file', reason: 'digest-mismatch', retryable: false });
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(10);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const unreadable = await syncError(
      client().request({
        method: 'PUT',
        url: server.url,
        action: 'store',
        headers: { 'content-length': '20' },
        body: failing(),
      }),
    );
    expect(unreadable).toMatchObject({ category: 'local-file', reason: 'read-failed', retryable: true });
  });

  it('refuses addresses that are not plain http(s)', async () => {
    for (const url of ['not a url', 'ftp://example.com/x', `http://user:${SECRET}@example.com/`]) {
      expect(await syncError(client().request(get(url)))).toMatchObject({
        category: 'config',
        reason: 'bad-url',
      });
    }
  });

  it('cuts requests still running when closed', async () => {
    const server = await tinyServer(() => undefined);
    const closing = client();
    const pending = closing.request(get(server.url));
    await sleep(20);
    const started = performance.now();
    await closing.close(50);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await syncError(pending)).toMatchObject({ category: 'network' });
    expect(await syncError(closing.request(get(server.url)))).toMatchObject({ category: 'config' });
  });
});
