import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isMissingRoute,
  type ComposioApiVersion,
} from '../../electron/engine/remote/composio-api-version.js';
import { COMPOSIO_PAGE_SIZE, ComposioProvider } from '../../electron/engine/remote/composio-provider.js';
import { readComposioTicket } from '../../electron/engine/remote/composio-ticket.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { HttpClient } from '../../electron/engine/remote/http-client.js';
import { encodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type { BodySource, UploadCandidate } from '../../electron/engine/remote/remote-provider.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

/** An in-memory file: the candidate the engine would build, and a body that yields its bytes in chunks. */
function memoryFile(path: string, content: string): { candidate: UploadCandidate; body: BodySource } {
  const bytes = Buffer.from(content);
  return {
    candidate: {
      path,
      absolutePath: `/nowhere/${path}`,
      remoteName: encodeRemoteName(path),
      size: bytes.length,
      mimeType: 'text/plain',
      md5Hex: createHash('md5').update(bytes).digest('hex'),
      sha256Hex: null,
    },
    body: async function* () {
      for (let offset = 0; offset < bytes.length; offset += 4) yield bytes.subarray(offset, offset + 4);
    },
  };
}

async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a SyncError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(SyncError);
  return outcome.error as SyncError;
}

/**
 * The same contract against each kind of Composio server: one serving v3.1 (Hoist's first choice),
 * one serving only v3 (Hoist falls back), and one whose tickets name Azure Blob Storage.
 */
const SERVERS: Array<{
  name: string;
  options: Partial<ReferenceServerOptions>;
  version: ComposioApiVersion;
  putRoute: string;
}> = [
  { name: 'v3.1', options: {}, version: 'v3.1', putRoute: 'object.put' },
  { name: 'v3 only', options: { composioApiVersions: ['v3'] }, version: 'v3', putRoute: 'object.put' },
  {
    name: 'v3.1 on Azure Blob Storage',
    options: { composioStorageBackend: 'azure_blob_storage' },
    version: 'v3.1',
    putRoute: 'object.azure-put',
  },
];

describe.each(SERVERS)('Composio provider against the reference server ($name)', (server) => {
  let remote: TestServer;
  let provider: ComposioProvider;

  beforeEach(async () => {
    remote = await startTestServer(server.options);
    provider = new ComposioProvider({ baseUrl: remote.url, token: TEST_USERS.alice.token });
  });
  afterEach(async () => {
    await provider?.close();
    await remote?.close();
  });

  it('describes itself', () => {
    expect(provider.info).toEqual({
      kind: 'composio',
      label: 'Composio',
      needsSha256: false,
      canDelete: false,
      // Its tickets are presigned PUTs: S3's single-PUT limit (shared/providers.ts).
      maxSingleUploadBytes: 5 * 1024 ** 3,
    });
  });

  it('prepares, sends, lists with the same key, dedupes where the version does, and refuses to delete', async () => {
    const file = memoryFile('reports/q1:final.txt', 'first quarter');
    const ticket = await provider.prepareUpload(file.candidate);
    // The name as the remote stores it: our encoding (":" escaped), prefixed by toolkit and tool.
    expect(ticket).toMatchObject({ kind: 'send', key: 'hoist/sync/reports∕q1%3Afinal.txt' });
    if (ticket.kind !== 'send') return;
    const key = await provider.send(ticket, file.candidate, file.body);
    expect(key).toBe(ticket.key);

    expect(await provider.list()).toEqual([
      {
        key,
        name: 'reports∕q1%3Afinal.txt',
        size: null,
        lastModified: null,
        md5: file.candidate.md5Hex,
        sha256: null,
      },
    ]);
    expect(provider.apiVersion).toBe(server.version);
    // v3 says `existing` for content it has; v3.1 always hands out a new URL (its spec's `type: 'new'`).
    const again = await provider.prepareUpload(file.candidate);
    if (server.version === 'v3') expect(again).toEqual({ kind: 'existing', key });
    else expect(again).toMatchObject({ kind: 'send', key });

    const error = await syncError(provider.delete(key));
    expect(error).toMatchObject({ category: 'unsupported', retryable: false });
    expect(error.message).toBe("Composio has no API to delete files; remove it in Composio's dashboard.");
  });

  it('makes the upload key and the listed key agree when the remote rewrites the name', async () => {
    // Not made by encodeRemoteName: the remote replaces the reserved characters itself.
    const file = memoryFile('odd.txt', 'odd name');
    const candidate = { ...file.candidate, remoteName: 'a<b>c?.txt' };
    const ticket = await provider.prepareUpload(candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    expect(ticket.key).toBe('hoist/sync/a_b_c_.txt');
    await provider.send(ticket, candidate, file.body);
    expect((await provider.list()).map((entry) => entry.key)).toEqual([ticket.key]);
  });

  it('updates a changed file under the same key', async () => {
    const first = memoryFile('notes.txt', 'one');
    const firstTicket = await provider.prepareUpload(first.candidate);
    if (firstTicket.kind !== 'send') throw new Error('expected send');
    const key = await provider.send(firstTicket, first.candidate, first.body);
    const second = memoryFile('notes.txt', 'two, and longer');
    const ticket = await provider.prepareUpload(second.candidate);
    expect(ticket).toMatchObject({ kind: 'send', key });
    if (ticket.kind !== 'send') return;
    // Only v3 says the key is taken (`update`); v3.1's tickets do not tell.
    expect(ticket.replaces).toBe(server.version === 'v3' ? true : undefined);
    await provider.send(ticket, second.candidate, second.body);
    expect((await provider.list()).map((entry) => [entry.key, entry.md5])).toEqual([
      [key, second.candidate.md5Hex],
    ]);
  });

  it('writes only its own toolkit and tool, and lists the whole project (others named by toolkit)', async () => {
    const other = await createProvider({
      kind: 'composio',
      baseUrl: remote.url,
      token: TEST_USERS.alice.token,
      composio: { toolkitSlug: 'gmail', toolSlug: 'send_email' },
    });
    try {
      const file = memoryFile('shared.txt', 'same bytes');
      const mine = await provider.prepareUpload(file.candidate);
      const theirs = await other.prepareUpload(file.candidate);
      expect([mine.key, theirs.key]).toEqual(['hoist/sync/shared.txt', 'gmail/send_email/shared.txt']);
      if (theirs.kind !== 'send') throw new Error('expected send');
      await other.send(theirs, file.candidate, file.body);
      // Every file of the project is listed; another toolkit's is named by its toolkit and tool.
      expect((await provider.list()).map(({ key, name }) => ({ key, name }))).toEqual([
        { key: 'gmail/send_email/shared.txt', name: 'gmail/send_email/shared.txt' },
      ]);
      expect((await other.list()).map(({ key, name }) => ({ key, name }))).toEqual([
        { key: 'gmail/send_email/shared.txt', name: 'shared.txt' },
      ]);
    } finally {
      await other.close();
    }
  });

  it('follows next_cursor through more than 1000 files', { timeout: 60_000 }, async () => {
    const count = 1001;
    const uploader = new ComposioProvider({
      baseUrl: remote.url,
      token: TEST_USERS.alice.token,
      maxConnections: 32,
    });
    try {
      for (let start = 0; start < count; start += 250) {
        await Promise.all(
          Array.from({ length: Math.min(250, count - start) }, async (_, offset) => {
            const file = memoryFile(`bulk/${start + offset}.txt`, `file ${start + offset}`);
            const ticket = await uploader.prepareUpload(file.candidate);
            if (ticket.kind !== 'send') throw new Error('expected send');
            await uploader.send(ticket, file.candidate, file.body);
          }),
        );
      }
    } finally {
      await uploader.close();
    }
    const requestsBefore = remote.server.requestCounts.get('composio.list') ?? 0;
    const listed = await provider.list();
    expect(listed.length).toBe(count);
    expect(new Set(listed.map((entry) => entry.key)).size).toBe(count);
    expect(listed.map((entry) => entry.name)).toContain('bulk∕1000.txt');
    // As many a page as the version allows: v3 1000 (2 pages), v3.1 50 (21 pages).
    expect((remote.server.requestCounts.get('composio.list') ?? 0) - requestsBefore).toBe(
      Math.ceil(count / COMPOSIO_PAGE_SIZE[server.version]),
    );
  });

  it('names Composio and the API key when the key is wrong, without showing it', async () => {
    const wrong = new ComposioProvider({ baseUrl: remote.url, token: 'wrong-composio-key' });
    try {
      const error = await syncError(wrong.list());
      expect(error).toMatchObject({ category: 'auth', retryable: false, status: 401 });
      expect(error.message).toBe('Composio rejected the API key (401). Update it in Settings.');
      expect(`${error.message} ${error.detail}`).not.toContain('wrong-composio-key');
    } finally {
      await wrong.close();
    }
  });

  it('quotes the server’s message for a request it rejects', async () => {
    const bad = new ComposioProvider({
      baseUrl: remote.url,
      token: TEST_USERS.alice.token,
      toolkitSlug: 'no spaces',
    });
    try {
      const error = await syncError(bad.prepareUpload(memoryFile('x.txt', 'x').candidate));
      expect(error).toMatchObject({ category: 'remote-rejected', retryable: false, status: 400 });
      expect(error.message).toContain('toolkit_slug must be');
    } finally {
      await bad.close();
    }
  });

  it('classifies faults: server errors, throttling, cut connections and expired URLs', async () => {
    const file = memoryFile('faulty.txt', 'faults');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');

    remote.server.faults.set({ seed: 3, routes: { 'composio.list': { errorRate: 1 } } });
    expect(await syncError(provider.list())).toMatchObject({
      category: 'network',
      retryable: true,
      status: 500,
    });

    remote.server.faults.set({ seed: 3, routes: { [server.putRoute]: { resetRate: 1 } } });
    expect(await syncError(provider.send(ticket, file.candidate, file.body))).toMatchObject({
      category: 'network',
      retryable: true,
    });

    remote.server.faults.set({ seed: 3, routes: { [server.putRoute]: { expireRate: 1 } } });
    expect(await syncError(provider.send(ticket, file.candidate, file.body))).toMatchObject({
      reason: 'expired-url',
      retryable: true,
    });

    remote.server.faults.set({
      seed: 3,
      routes: { 'composio.upload-request': { throttleRate: 1, retryAfterSeconds: 0 } },
    });
    expect(await syncError(provider.prepareUpload(file.candidate))).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 0,
    });
    remote.server.faults.set(null);
    expect(await provider.send(ticket, file.candidate, file.body)).toBe(ticket.key);
  });

  it('reports bytes that differ from the requested MD5 as digest-mismatch', async () => {
    const file = memoryFile('mismatch.txt', 'expected bytes');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    const other = memoryFile('mismatch.txt', 'EXPECTED BYTES');
    const error = await syncError(provider.send(ticket, file.candidate, other.body));
    expect(error).toMatchObject({ category: 'remote-rejected', reason: 'digest-mismatch', status: 400 });
  });
});

describe('Composio provider: which API version, and Azure-backed tickets', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });
  const open = async (options: Partial<ReferenceServerOptions>) => {
    const remote = await startTestServer(options);
    opened.push(remote);
    const provider = new ComposioProvider({ baseUrl: remote.url, token: TEST_USERS.alice.token });
    opened.push(provider);
    return { remote, provider };
  };

  it('asks v3.1 once on a server without it, then stays on v3', async () => {
    const { remote, provider } = await open({ composioApiVersions: ['v3'] });
    expect(provider.apiVersion).toBeNull();
    const file = memoryFile('a.txt', 'a');
    const ticket = await provider.prepareUpload(file.candidate);
    // The v3.1 route is not there: one unmatched request, then the v3 route answered.
    expect(remote.server.requestCounts.get('unmatched')).toBe(1);
    expect(provider.apiVersion).toBe('v3');
    if (ticket.kind !== 'send') throw new Error('expected send');
    await provider.send(ticket, file.candidate, file.body);
    expect(await provider.list()).toHaveLength(1);
    expect(await provider.prepareUpload(file.candidate)).toMatchObject({ kind: 'existing' });
    // Remembered: no second try of v3.1.
    expect(remote.server.requestCounts.get('unmatched')).toBe(1);
    expect(remote.server.requestCounts.get('composio.upload-request')).toBe(2);
  });

  it('speaks v3.1 where the server has it, and never asks v3', async () => {
    const { remote, provider } = await open({});
    await provider.list();
    await provider.prepareUpload(memoryFile('b.txt', 'b').candidate);
    expect(provider.apiVersion).toBe('v3.1');
    expect(remote.server.requestCounts.get('unmatched')).toBeUndefined();
    expect(remote.server.requestCounts.get('composio.no-route')).toBeUndefined();
  });

  it('tells a missing route from a 404 about a thing', () => {
    const answer = (status: number, text: string) => ({ status, headers: {}, text });
    // A router's own 404: no body, a page, JSON without Composio's slug, or a slug about routes.
    expect(isMissingRoute(answer(404, ''))).toBe(true);
    expect(isMissingRoute(answer(404, '<html>Cannot POST /api/v3.1/files/upload/request</html>'))).toBe(true);
    expect(isMissingRoute(answer(404, '{"detail":"Not Found"}'))).toBe(true);
    expect(isMissingRoute(answer(404, '{"error":{"message":"No route","slug":"Route_NotFound"}}'))).toBe(
      true,
    );
    expect(isMissingRoute(answer(404, '{"error":{"message":"Not found","slug":"NotFound"}}'))).toBe(true);
    // The route answered about something it looked for: not a reason to try another version.
    expect(isMissingRoute(answer(404, '{"error":{"message":"No such file","slug":"File_NotFound"}}'))).toBe(
      false,
    );
    expect(
      isMissingRoute(answer(404, '{"error":{"message":"Unknown toolkit","slug":"Toolkit_NotFound"}}')),
    ).toBe(false);
    expect(isMissingRoute(answer(400, ''))).toBe(false);
  });

  it('reads the upload URL with or without type, from the deprecated field too, and names Azure by metadata', async () => {
    const http = new HttpClient({ label: 'Composio' });
    opened.push(http);
    const upload = {
      key: (key: string | undefined) => key ?? 'predicted',
      md5Hex: 'ab'.repeat(16),
      mimeType: 'text/plain',
    };
    const read = (answer: unknown) => readComposioTicket(http, answer, 'prepare an upload', upload);
    const target = (url: string, headers?: Record<string, string>) => ({
      url,
      md5Base64: Buffer.from('ab'.repeat(16), 'hex').toString('base64'),
      mimeType: 'text/plain',
      ...(headers ? { headers } : {}),
    });
    // No type at all (a v3.1 server that dropped the deprecated field).
    expect(
      read({ id: 'i', key: 'k', new_presigned_url: 'http://u/1', metadata: { storage_backend: 's3' } }),
    ).toEqual({
      kind: 'send',
      key: 'k',
      target: target('http://u/1'),
    });
    // Only the deprecated camel-case field.
    expect(read({ key: 'k', newPresignedUrl: 'http://u/2' })).toMatchObject({ target: target('http://u/2') });
    // v3's update still says the key is taken; Azure by metadata, whatever the type.
    expect(
      read({
        key: 'k',
        type: 'update',
        update_presigned_url: 'http://u/3',
        metadata: { storage_backend: 'azure_blob_storage' },
      }),
    ).toEqual({
      kind: 'send',
      key: 'k',
      replaces: true,
      target: target('http://u/3', { 'x-ms-blob-type': 'BlockBlob' }),
    });
    expect(read({ type: 'existing', key: 'k' })).toEqual({ kind: 'existing', key: 'k' });
    // No URL and not existing: a clear error, not a PUT to nowhere.
    expect(() => read({ key: 'k', type: 'new' })).toThrow(/names no upload URL/);
    expect(() => read({ key: 'k', new_presigned_url: 7 })).toThrow(SyncError);
  });

  it('does not fall back on other failures: a 401 from v3.1 is the answer', async () => {
    const { remote } = await open({});
    const wrong = new ComposioProvider({ baseUrl: remote.url, token: 'wrong-composio-key' });
    opened.push(wrong);
    expect(await syncError(wrong.list())).toMatchObject({ category: 'auth', status: 401 });
    expect(wrong.apiVersion).toBeNull();
    expect(remote.server.requestCounts.get('composio.list')).toBe(1);
  });

  it('sends x-ms-blob-type to an Azure-backed URL; a PUT without it is refused and stores nothing', async () => {
    const { remote, provider } = await open({});
    // The fault plan's choice: the server's own default is S3.
    remote.server.faults.set({ seed: 1, routes: {}, composioStorageBackend: 'azure_blob_storage' });
    const file = memoryFile('azure.txt', 'bytes for azure');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    const target = ticket.target as { url: string; headers?: Record<string, string> };
    expect(new URL(target.url).pathname).toMatch(/^\/azure-blob\//);
    expect(target.headers).toEqual({ 'x-ms-blob-type': 'BlockBlob' });

    // Without the header: Azure's 400 MissingRequiredHeader, classified for what it is.
    const bare = { ...ticket, target: { ...target, headers: undefined } };
    const refused = await syncError(provider.send(bare, file.candidate, file.body));
    expect(refused).toMatchObject({ reason: 'missing-header', retryable: false, status: 400 });
    expect(refused.message).toContain('x-ms-blob-type');
    const raw = await fetch(target.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'bytes for azure',
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-ms-error-code')).toBe('MissingRequiredHeader');
    expect(await raw.text()).toContain('<HeaderName>x-ms-blob-type</HeaderName>');
    expect(await provider.list()).toEqual([]);

    // Hoist's own send carries it, and the file lands.
    expect(await provider.send(ticket, file.candidate, file.body)).toBe(ticket.key);
    expect((await provider.list()).map((entry) => [entry.key, entry.md5])).toEqual([
      [ticket.key, file.candidate.md5Hex],
    ]);
    expect(remote.server.requestCounts.get('object.azure-put')).toBe(3);
  });
});
