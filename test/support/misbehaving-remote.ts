import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small Alloy-dialect remote for the misbehaving-remote suite: the API (list, upload ticket,
 * delete) on 127.0.0.1 and the presigned PUTs on another host, 127.0.0.2, as real Alloy sends them
 * to S3. It behaves until told how one route misbehaves, and records every request (headers
 * included) so a test can check what went over the wire. Object bodies are hashed, never kept.
 */

export type RemoteRoute = 'list' | 'ticket' | 'put' | 'delete';

export type Misbehaviour =
  /** Any status and body: malformed JSON, missing fields, wrong types, 500s, 429 + Retry-After. */
  | { kind: 'answer'; status: number; body: string; headers?: Record<string, string> }
  /** 200 and a JSON-looking body of this many bytes that never closes, streamed with backpressure. */
  | { kind: 'huge'; bytes: number }
  /** 200 and its headers, then nothing. */
  | { kind: 'stall-after-headers' }
  /** 200, its headers and the start of a body, then nothing. */
  | { kind: 'stall-mid-body' }
  /** A redirect to the same path on the same host. */
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308 }
  /** PUT only: never reads the body, never answers. */
  | { kind: 'never-read' };

export interface RecordedRequest {
  host: 'api' | 'objects';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  at: number;
}

interface StoredObject {
  name: string;
  size: number;
  md5Hex: string;
}

export interface MisbehavingRemote {
  /** The API's base URL (what `--remote` gets). */
  url: string;
  /** The origin presigned URLs point at. */
  objectsOrigin: string;
  requests: RecordedRequest[];
  /** Bytes of `huge` answers written so far. */
  hugeBytesSent(): number;
  /** `route` misbehaves for its next `times` requests (every one when omitted). */
  misbehave(route: RemoteRoute, how: Misbehaviour, times?: number): void;
  /** Every route behaves again. */
  behave(): void;
  /** Names of the objects stored (what a well-behaved listing would show). */
  objectNames(): string[];
  close(): Promise<void>;
}

export interface MisbehavingRemoteOptions {
  /** False: PUTs land but the listing never shows them (a store the API does not see). Default true. */
  listsUploads?: boolean;
}

/** The only token this remote accepts. */
export const TEST_TOKEN = 'misbehaving-remote-token-1';
// Alloy's keys are the user's id, an underscore and the file name.
const TOKEN_PREFIX = 'u1_';

export async function startMisbehavingRemote(
  options: MisbehavingRemoteOptions = {},
): Promise<MisbehavingRemote> {
  const objects = new Map<string, StoredObject>();
  const pending = new Map<string, { name: string; md5Hex: string }>();
  const plans = new Map<RemoteRoute, { how: Misbehaviour; left: number }>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let hugeSent = 0;
  let objectsOrigin = '';

  const planFor = (route: RemoteRoute): Misbehaviour | null => {
    const plan = plans.get(route);
    if (!plan || plan.left <= 0) return null;
    plan.left -= 1;
    return plan.how;
  };

  const misbehave = async (how: Misbehaviour, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (how.kind !== 'never-read') await readBody(req);
    switch (how.kind) {
      case 'answer':
        res.writeHead(how.status, { 'content-type': 'application/json', ...how.headers });
        res.end(how.body);
        return;
      case 'huge':
        await sendHuge(res, how.bytes, (bytes) => (hugeSent += bytes));
        return;
      case 'stall-after-headers':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      case 'stall-mid-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"files": [{"s3Key": "u1_a');
        return;
      case 'redirect':
        res.writeHead(how.status, { location: `/moved${req.url ?? '/'}` });
        res.end();
        return;
      case 'never-read':
        req.pause();
        return;
    }
  };

  const api = createServer((req, res) => {
    record(requests, 'api', req);
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const route = apiRoute(req.method ?? '', url.pathname);
    const how = route === null ? null : planFor(route);
    if (how) return void misbehave(how, req, res);
    if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) return json(res, 401, { error: 'bad token' });
    if (route === 'list') {
      const files =
        options.listsUploads === false ? [] : [...objects].map(([key, object]) => listed(key, object));
      return json(res, 200, { files });
    }
    if (route === 'ticket') {
      return void readBody(req).then((text) => {
        const asked = JSON.parse(text) as { filename: string; md5: string };
        const key = `${TOKEN_PREFIX}${asked.filename}`;
        // A store the API does not read: the API does not know what landed there either.
        const known = options.listsUploads === false ? undefined : objects.get(key);
        const type = known?.md5Hex === asked.md5 ? 'existing' : 'new';
        if (type === 'new') pending.set(key, { name: asked.filename, md5Hex: asked.md5 });
        const presignedUrl = `${objectsOrigin}/bucket/${encodeURIComponent(key)}?X-Amz-Signature=abc123`;
        json(res, 200, { presignedUrl: { md5: hexToBase64(asked.md5), presignedUrl, type, s3Key: key } });
      });
    }
    if (route === 'delete') {
      objects.delete(decodeURIComponent(url.pathname.slice('/connectors/files/'.length)));
      return json(res, 200, { success: true, message: 'deleted' });
    }
    json(res, 404, { error: 'no such route' });
  });

  const store = createServer((req, res) => {
    record(requests, 'objects', req);
    const how = req.method === 'PUT' ? planFor('put') : null;
    if (how) return void misbehave(how, req, res);
    const key = decodeURIComponent(new URL(req.url ?? '/', 'http://objects.invalid').pathname.slice(8));
    const expected = pending.get(key);
    if (req.method !== 'PUT' || !expected)
      return s3Error(res, 403, 'AccessDenied', 'No upload was requested');
    const hash = createHash('md5');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      const md5Hex = hash.digest('hex');
      if (md5Hex !== expected.md5Hex)
        return s3Error(res, 400, 'BadDigest', 'The Content-MD5 you specified did not match');
      objects.set(key, { name: expected.name, size, md5Hex });
      pending.delete(key);
      res.writeHead(200, { etag: `"${md5Hex}"` });
      res.end();
    });
  });

  const apiAddress = await listen(api, '127.0.0.1', sockets);
  const storeAddress = await listen(store, '127.0.0.2', sockets);
  objectsOrigin = `http://127.0.0.2:${storeAddress.port}`;
  return {
    url: `http://127.0.0.1:${apiAddress.port}`,
    objectsOrigin,
    requests,
    hugeBytesSent: () => hugeSent,
    misbehave: (route, how, times = Number.POSITIVE_INFINITY) => plans.set(route, { how, left: times }),
    behave: () => plans.clear(),
    objectNames: () => [...objects.values()].map((object) => object.name).sort(),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([api, store].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

function apiRoute(method: string, path: string): RemoteRoute | null {
  if (method === 'GET' && path === '/connectors/files/list') return 'list';
  if (method === 'POST' && path === '/connectors/files/upload/request') return 'ticket';
  if (method === 'DELETE' && path.startsWith('/connectors/files/')) return 'delete';
  return null;
}

function listed(key: string, object: StoredObject): Record<string, unknown> {
  return { s3Key: key, filename: object.name, size: object.size, lastModified: new Date(0).toISOString() };
}

function record(requests: RecordedRequest[], host: RecordedRequest['host'], req: IncomingMessage): void {
  requests.push({
    host,
    method: req.method ?? '',
    path: req.url ?? '',
    headers: req.headers,
    at: Date.now(),
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * 200 and a JSON-looking body of `bytes` bytes that never closes (one endless string field), written
 * as fast as the client reads: too large for any route, and not valid JSON if read to its end.
 */
async function sendHuge(res: ServerResponse, bytes: number, onSent: (bytes: number) => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"files": [], "presignedUrl": {"type": "new", "s3Key": "k", "padding": "');
  const chunk = Buffer.alloc(256 * 1024, 'a');
  let wake = (): void => undefined;
  res.on('drain', () => wake());
  res.on('close', () => wake());
  for (let sent = 0; sent < bytes && !res.destroyed; sent += chunk.length) {
    onSent(chunk.length);
    if (!res.write(chunk)) await new Promise<void>((resolve) => (wake = resolve));
  }
  if (!res.destroyed) res.end();
}

async function listen(server: Server, host: string, sockets: Set<Socket>): Promise<AddressInfo> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return server.address() as AddressInfo;
}
