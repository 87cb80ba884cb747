import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { encodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type {
  BodySource,
  RemoteProvider,
  UploadCandidate,
} from '../../electron/engine/remote/remote-provider.js';
import { withRetry } from '../../electron/engine/remote/retry.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import type { FaultPlan } from '../../electron/server/faults.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

/** A file on disk as the engine would describe it, and a body source that streams it. */
interface LocalFile {
  candidate: UploadCandidate;
  body: BodySource;
}

let folder: { path: string; remove: () => Promise<void> };

async function localFile(path: string, content: string | Buffer): Promise<LocalFile> {
  const absolutePath = join(folder.path, path);
  await mkdir(dirname(absolutePath), { recursive: true });
  await writeFile(absolutePath, content);
  const bytes = Buffer.from(content);
  return {
    candidate: {
      path,
      absolutePath,
      remoteName: encodeRemoteName(path),
      size: bytes.length,
      mimeType: 'text/plain',
      md5Hex: createHash('md5').update(bytes).digest('hex'),
      sha256Hex: null,
    },
    body: () => createReadStream(absolutePath),
  };
}

/** The SyncError a promise rejects with; fails the test if it resolves or throws anything else. */
async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a SyncError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(SyncError);
  return outcome.error as SyncError;
}

async function upload(provider: RemoteProvider, file: LocalFile): Promise<string> {
  const ticket = await provider.prepareUpload(file.candidate);
  if (ticket.kind !== 'send') throw new Error(`expected a send ticket, got ${ticket.kind}`);
  return provider.send(ticket, file.candidate, file.body);
}

beforeAll(async () => {
  folder = await makeTempDir('hoist-provider-alloy-');
});
afterAll(async () => {
  await folder.remove();
});

describe.each([
  { kind: 'alloy' as const, label: 'Alloy' },
  { kind: 'local' as const, label: 'This computer' },
])('$kind provider against the reference server', ({ kind, label }) => {
  let remote: TestServer;
  let provider: RemoteProvider;

  beforeEach(async () => {
    remote = await startTestServer();
    provider = await createProvider({ kind, baseUrl: remote.url, token: TEST_USERS.alice.token });
  });
  afterEach(async () => {
    await provider?.close();
    await remote?.close();
  });

  it('describes itself', () => {
    expect(provider.info).toEqual({
      kind,
      label,
      needsSha256: false,
      canDelete: true,
      // S3's single-PUT limit, behind the presigned URLs (shared/providers.ts).
      maxSingleUploadBytes: 5 * 1024 ** 3,
    });
    // Larger files go up in parts (docs/reference-remote.md §2a).
    expect(provider.multipart).toBeDefined();
  });

  it('prepares, sends, lists, dedupes and deletes a file', async () => {
    const file = await localFile('docs/2024/report.txt', 'quarterly numbers\n');
    const ticket = await provider.prepareUpload(file.candidate);
    expect(ticket).toMatchObject({ kind: 'send', key: expect.stringMatching(/_docs∕2024∕report\.txt$/) });
    if (ticket.kind !== 'send') return;
    const key = await provider.send(ticket, file.candidate, file.body);
    expect(key).toBe(ticket.key);
    expect(remote.server.requestCounts.get('object.put')).toBe(1);

    const listed = await provider.list();
    expect(listed).toEqual([
      {
        key,
        name: 'docs∕2024∕report.txt',
        size: file.candidate.size,
        lastModified: expect.any(Number),
        md5: null,
        sha256: null,
      },
    ]);
    expect(Math.abs((listed[0]?.lastModified ?? 0) - Date.now())).toBeLessThan(60_000);

    expect(await provider.prepareUpload(file.candidate)).toEqual({ kind: 'existing', key });

    await provider.delete(key);
    expect(await provider.list()).toEqual([]);
    // Deleting again is not an error: the file is gone, as asked.
    await provider.delete(key);
  });

  it('overwrites the same key when a changed file is uploaded under the same name', async () => {
    const first = await localFile('notes.txt', 'version one');
    const key = await upload(provider, first);
    const second = await localFile('notes.txt', 'version two, longer');
    const ticket = await provider.prepareUpload(second.candidate);
    expect(ticket).toMatchObject({ kind: 'send', key });
    if (ticket.kind !== 'send') return;
    expect(await provider.send(ticket, second.candidate, second.body)).toBe(key);
    const listed = await provider.list();
    expect(listed.map((entry) => [entry.key, entry.size])).toEqual([[key, second.candidate.size]]);
    expect(await provider.prepareUpload(second.candidate)).toEqual({ kind: 'existing', key });
  });

  it('names itself and the way out when the token is wrong, and never shows the token', async () => {
    const wrong = await createProvider({ kind, baseUrl: remote.url, token: 'not-a-real-token-123' });
    try {
      const error = await syncError(wrong.list());
      expect(error).toMatchObject({ category: 'auth', retryable: false, status: 401 });
      expect(error.message).toBe(`${label} rejected the API token (401). Update it in Settings.`);
      expect(`${error.message} ${error.detail}`).not.toContain('not-a-real-token-123');
      const file = await localFile('auth.txt', 'x');
      expect(await syncError(wrong.prepareUpload(file.candidate))).toMatchObject({ category: 'auth' });
    } finally {
      await wrong.close();
    }
  });
});

describe('Alloy provider: rejected and failed uploads', () => {
  let remote: TestServer;
  let provider: AlloyProvider;
  let clock: number;

  beforeEach(async () => {
    clock = Date.now();
    remote = await startTestServer({ now: () => clock });
    provider = new AlloyProvider({ baseUrl: remote.url, token: TEST_USERS.alice.token });
  });
  afterEach(async () => {
    await provider?.close();
    await remote?.close();
  });

  const setFaults = (routes: FaultPlan['routes'] | null): void =>
    remote.server.faults.set(routes === null ? null : { seed: 7, routes });

  it('reports an expired upload URL as expired-url, and a new ticket uploads', async () => {
    const file = await localFile('late.txt', 'too slow');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    clock += 2 * 3600_000; // the URL's hour has passed
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(error).toMatchObject({
      category: 'remote-rejected',
      reason: 'expired-url',
      retryable: true,
      status: 403,
    });
    const fresh = await provider.prepareUpload(file.candidate);
    if (fresh.kind !== 'send') throw new Error('expected send');
    expect(await provider.send(fresh, file.candidate, file.body)).toBe(fresh.key);
  });

  it('reports an early expiry injected by the server as expired-url', async () => {
    const file = await localFile('expire-fault.txt', 'expiring');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    setFaults({ 'object.put': { expireRate: 1 } });
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(error).toMatchObject({ reason: 'expired-url', retryable: true, status: 403 });
  });

  it('reports an expired URL as expired-url even while a large body is still streaming', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 7);
    const file = await localFile('big-late.bin', big);
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    clock += 2 * 3600_000;
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect({ reason: error.reason, retryable: error.retryable, detail: error.detail }).toMatchObject({
      reason: 'expired-url',
      retryable: true,
    });
  });

  it('reports bytes that differ from the ticket’s MD5 as digest-mismatch', async () => {
    const file = await localFile('changing.txt', 'original bytes');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    // Same length, other bytes: the file changed between hashing and sending.
    await writeFile(file.candidate.absolutePath, 'ORIGINAL BYTES');
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(error).toMatchObject({ category: 'remote-rejected', reason: 'digest-mismatch', retryable: false });
    expect(await provider.list()).toEqual([]);
  });

  it('reports a file that grew while uploading as changed, without blaming the network', async () => {
    const file = await localFile('growing.txt', 'short');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    await writeFile(file.candidate.absolutePath, 'short, and then some more');
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(error).toMatchObject({ category: 'local-file', reason: 'digest-mismatch', retryable: false });
  });

  it('reports a file that cannot be read as a local-file error', async () => {
    const file = await localFile('vanishing.txt', 'here now');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    const missing = (): AsyncIterable<Uint8Array> => createReadStream(join(folder.path, 'no-such-file.txt'));
    const error = await syncError(provider.send(ticket, file.candidate, missing));
    expect(error).toMatchObject({ category: 'local-file', reason: 'read-failed' });
    expect(error.detail).toContain('ENOENT');
  });

  it('refuses a tampered upload URL permanently (SignatureDoesNotMatch)', async () => {
    const file = await localFile('tampered.txt', 'tamper');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    const target = ticket.target as { url: string; md5Base64: string; mimeType: string };
    const forged = { ...ticket, target: { ...target, mimeType: 'application/x-other' } };
    const error = await syncError(provider.send(forged, file.candidate, file.body));
    expect(error).toMatchObject({
      category: 'remote-rejected',
      reason: 'signature-mismatch',
      retryable: false,
      status: 403,
    });
    expect(error.message).toContain('signature');
  });

  it('refuses a file over the size limit permanently (EntityTooLarge)', async () => {
    const small = await startTestServer({ maxObjectBytes: 8 });
    const limited = new AlloyProvider({ baseUrl: small.url, token: TEST_USERS.alice.token });
    try {
      const file = await localFile('large.txt', 'more than eight bytes');
      const ticket = await limited.prepareUpload(file.candidate);
      if (ticket.kind !== 'send') throw new Error('expected send');
      const error = await syncError(limited.send(ticket, file.candidate, file.body));
      expect(error).toMatchObject({
        category: 'remote-rejected',
        reason: 'too-large',
        retryable: false,
        status: 400,
      });
    } finally {
      await limited.close();
      await small.close();
    }
  });

  it('reports a server error as retryable, and withRetry gets through intermittent ones', async () => {
    setFaults({ 'alloy.list': { errorRate: 1, errorStatus: 503 } });
    const error = await syncError(provider.list());
    expect(error).toMatchObject({
      category: 'network',
      retryable: true,
      status: 503,
      reason: 'server-error',
    });
    expect(error.message).toContain('Alloy');

    setFaults({ 'alloy.list': { errorRate: 0.5 }, 'object.put': { errorRate: 0.5 } });
    const retried: number[] = [];
    const onRetry = (_error: SyncError, attempt: number): void => {
      retried.push(attempt);
    };
    const file = await localFile('flaky.txt', 'flaky network');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    const options = { attempts: 20, startingDelayMs: 1, maxDelayMs: 5, onRetry };
    await withRetry(() => provider.send(ticket, file.candidate, file.body), options);
    const listed = await withRetry(() => provider.list(), options);
    expect(listed.map((entry) => entry.name)).toEqual(['flaky.txt']);
    expect(retried.length).toBeGreaterThan(0);
  });

  it('reports a throttle with its Retry-After, and holds every request until then', async () => {
    setFaults({ 'alloy.upload-request': { throttleRate: 1, retryAfterSeconds: 1 } });
    const file = await localFile('throttled.txt', 'slow down');
    const error = await syncError(provider.prepareUpload(file.candidate));
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 1000, reason: 'throttled' });
    setFaults(null);
    const started = performance.now();
    await provider.list();
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('reports a connection cut mid-upload or mid-answer as a retryable network error', async () => {
    const file = await localFile('cut.txt', 'cut me off');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    setFaults({ 'object.put': { resetRate: 1 }, 'alloy.list': { resetRate: 1 } });
    const putError = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(putError).toMatchObject({ category: 'network', retryable: true });
    const listError = await syncError(provider.list());
    expect(listError).toMatchObject({ category: 'network', retryable: true });
    setFaults(null);
    expect(await provider.send(ticket, file.candidate, file.body)).toBe(ticket.key);
  });

  it('does not let one user delete another’s file, and says so without blaming the token', async () => {
    const key = await upload(provider, await localFile('private.txt', 'alice only'));
    const bob = new AlloyProvider({ baseUrl: remote.url, token: TEST_USERS.bob.token });
    try {
      expect(await bob.list()).toEqual([]);
      const error = await syncError(bob.delete(key));
      expect(error).toMatchObject({ category: 'remote-rejected', status: 403, reason: 'not-owner' });
    } finally {
      await bob.close();
    }
    expect((await provider.list()).map((entry) => entry.key)).toEqual([key]);
  });

  it('uploads many files at once over a small connection pool', async () => {
    const pooled = new AlloyProvider({
      baseUrl: remote.url,
      token: TEST_USERS.alice.token,
      maxConnections: 2,
    });
    try {
      const files = await Promise.all(
        Array.from({ length: 24 }, (_, index) => localFile(`pool/file-${index}.txt`, `content ${index}`)),
      );
      const keys = await Promise.all(files.map((file) => upload(pooled, file)));
      expect(new Set(keys).size).toBe(24);
      expect((await pooled.list()).length).toBe(24);
    } finally {
      await pooled.close();
    }
  });

  it('stops at once when aborted', async () => {
    setFaults({ 'alloy.list': { latencyMs: 5000 } });
    const controller = new AbortController();
    const started = performance.now();
    const listing = provider.list(controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(listing).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('providers facing a server that answers nonsense', () => {
  // A real server that speaks HTTP but not the API: each path answers something a provider must survive.
  const answers: Record<string, { status: number; type: string; body: string }> = {
    '/garbage/connectors/files/list': {
      status: 200,
      type: 'application/json',
      body: '{"files": [{"s3Key": ',
    },
    '/html/connectors/files/list': {
      status: 200,
      type: 'text/html',
      body: '<!doctype html><title>Login</title>',
    },
    '/shape/connectors/files/list': { status: 200, type: 'application/json', body: '{"files": "none"}' },
    '/shape/connectors/files/upload/request': {
      status: 200,
      type: 'application/json',
      body: '{"presignedUrl": {"type": "maybe", "s3Key": "k"}}',
    },
    '/shape/api/v3/files/list': {
      status: 200,
      type: 'application/json',
      body: '{"items": [], "next_cursor": "same"}',
    },
  };
  let url: string;
  let server: ReturnType<typeof createServer>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const answer = answers[(req.url ?? '').split('?')[0] ?? ''] ?? {
        status: 404,
        type: 'text/plain',
        body: 'nope',
      };
      req.resume();
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const provider = (path: string, kind: 'alloy' | 'composio' = 'alloy'): Promise<RemoteProvider> =>
    createProvider({ kind, baseUrl: `${url}${path}`, token: 'token-for-nonsense' });

  it('reports a malformed JSON body as a retryable network error, not a SyntaxError', async () => {
    const alloy = await provider('/garbage');
    try {
      const error = await syncError(alloy.list());
      expect(error).toMatchObject({ category: 'network', retryable: true, reason: 'malformed-response' });
      expect(error.message).toContain('Alloy');
    } finally {
      await alloy.close();
    }
  });

  it('reports a web page where the API should be as a wrong address', async () => {
    const alloy = await provider('/html');
    try {
      expect(await syncError(alloy.list())).toMatchObject({ category: 'config', reason: 'not-the-api' });
    } finally {
      await alloy.close();
    }
  });

  it('reports JSON of the wrong shape clearly, and stops a cursor that never ends', async () => {
    const alloy = await provider('/shape');
    const composio = await provider('/shape', 'composio');
    try {
      const listError = await syncError(alloy.list());
      expect(listError).toMatchObject({ category: 'remote-rejected', reason: 'unexpected-response' });
      expect(listError.detail).toContain('files');
      const file = await localFile('shape.txt', 'x');
      expect(await syncError(alloy.prepareUpload(file.candidate))).toMatchObject({
        reason: 'unexpected-response',
      });
      expect(await syncError(composio.list())).toMatchObject({ reason: 'unexpected-response' });
    } finally {
      await alloy.close();
      await composio.close();
    }
  });
});

describe('createProvider', () => {
  it('builds the provider of each kind with its label', async () => {
    const made = await Promise.all(
      (['local', 'alloy', 'composio', 'openwebui'] as const).map((kind) =>
        createProvider({ kind, baseUrl: 'http://127.0.0.1:1', token: 't' }),
      ),
    );
    expect(made.map((provider) => [provider.info.kind, provider.info.label])).toEqual([
      ['local', 'This computer'],
      ['alloy', 'Alloy'],
      ['composio', 'Composio'],
      ['openwebui', 'Open WebUI'],
    ]);
    return Promise.all(made.map((provider) => provider.close()));
  });

  it('refuses a missing token or an address that is not http(s), before any request', async () => {
    const attempt = async (config: Parameters<typeof createProvider>[0]): Promise<unknown> => {
      try {
        await createProvider(config);
        return null;
      } catch (error) {
        return error;
      }
    };
    expect(await attempt({ kind: 'alloy', baseUrl: 'https://example.com', token: ' ' })).toMatchObject({
      category: 'config',
      reason: 'missing-token',
      message: 'No API token for Alloy. Add it in Settings.',
    });
    for (const baseUrl of [
      'example.com',
      'ftp://example.com',
      'https://user:pw@example.com',
      'https://x.com/?token=1',
    ]) {
      expect(await attempt({ kind: 'openwebui', baseUrl, token: 't' })).toMatchObject({
        category: 'config',
        reason: 'bad-url',
      });
    }
  });
});
