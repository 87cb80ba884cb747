import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { OpenWebUiProvider } from '../../electron/engine/remote/openwebui-provider.js';
import { encodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type {
  BodySource,
  RemoteProvider,
  UploadCandidate,
} from '../../electron/engine/remote/remote-provider.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { http } from '../support/http.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

interface LocalFile {
  candidate: UploadCandidate;
  body: BodySource;
}

describe('Open WebUI provider against the reference server', () => {
  let remote: TestServer;
  let provider: OpenWebUiProvider;
  let folder: { path: string; remove: () => Promise<void> };

  beforeEach(async () => {
    folder = await makeTempDir('hoist-provider-owui-');
    remote = await startTestServer();
    provider = new OpenWebUiProvider({ baseUrl: remote.url, token: TEST_USERS.alice.token });
  });
  afterEach(async () => {
    await provider?.close();
    await remote?.close();
    await folder?.remove();
  });

  /** A real file in the temp folder, streamed from disk. */
  async function localFile(
    path: string,
    content: string | Buffer,
    mimeType = 'text/plain',
  ): Promise<LocalFile> {
    const absolutePath = join(folder.path, path.replaceAll('/', '__'));
    await writeFile(absolutePath, content);
    const bytes = Buffer.from(content);
    return {
      candidate: {
        path,
        absolutePath,
        remoteName: encodeRemoteName(path),
        size: bytes.length,
        mimeType,
        md5Hex: createHash('md5').update(bytes).digest('hex'),
        sha256Hex: createHash('sha256').update(bytes).digest('hex'),
      },
      body: () => createReadStream(absolutePath, { highWaterMark: 1024 }),
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

  async function upload(target: RemoteProvider, file: LocalFile): Promise<string> {
    const ticket = await target.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error(`expected a send ticket, got ${ticket.kind}`);
    return target.send(ticket, file.candidate, file.body);
  }

  /** The bytes the remote stored under an id. */
  async function storedBytes(id: string): Promise<string> {
    const response = await http(`${remote.url}/api/v1/files/${id}/content`, {
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    expect(response.status).toBe(200);
    return response.text;
  }

  it('describes itself', () => {
    expect(provider.info).toEqual({
      kind: 'openwebui',
      label: 'Open WebUI',
      needsSha256: true,
      canDelete: true,
      processesUploads: true,
    });
  });

  it('prepares, sends (streamed multipart), lists, dedupes and deletes a file', async () => {
    const content = 'Grüße aus dem Ordner\n'.repeat(500);
    const file = await localFile('letters/grüße "2024".txt', content);
    const ticket = await provider.prepareUpload(file.candidate);
    expect(ticket).toMatchObject({ kind: 'send', key: null });
    if (ticket.kind !== 'send') return;
    const id = await provider.send(ticket, file.candidate, file.body);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await storedBytes(id)).toBe(content);

    const listed = await provider.list();
    expect(listed).toEqual([
      {
        key: id,
        name: file.candidate.remoteName,
        size: file.candidate.size,
        lastModified: expect.any(Number),
        md5: null,
        sha256: file.candidate.sha256Hex,
        // Open WebUI is still reading its text (the reference server takes a moment).
        processing: { status: 'pending', error: null },
      },
    ]);
    expect(file.candidate.remoteName).toBe('letters∕grüße %222024%22.txt');

    expect(await provider.prepareUpload(file.candidate)).toEqual({ kind: 'existing', key: id });
    await provider.delete(id);
    expect(await provider.list()).toEqual([]);
    expect(await provider.prepareUpload(file.candidate)).toMatchObject({ kind: 'send' });
    await provider.delete(id); // already gone: not an error
  });

  it('lists on its own before the first dedupe, so a fresh provider finds what is there', async () => {
    const file = await localFile('known.txt', 'already uploaded');
    const id = await upload(provider, file);
    const fresh = new OpenWebUiProvider({ baseUrl: `${remote.url}/`, token: TEST_USERS.alice.token });
    try {
      const before = remote.server.requestCounts.get('owui.list') ?? 0;
      const tickets = await Promise.all([
        fresh.prepareUpload(file.candidate),
        fresh.prepareUpload(file.candidate),
      ]);
      expect(tickets).toEqual([
        { kind: 'existing', key: id },
        { kind: 'existing', key: id },
      ]);
      // Both asked at once; one listing answered both.
      expect((remote.server.requestCounts.get('owui.list') ?? 0) - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('dedupes by SHA-256: the same bytes under another name are the existing file', async () => {
    const original = await localFile('a/original.pdf', Buffer.from([1, 2, 3, 4, 5]), 'application/pdf');
    const id = await upload(provider, original);
    const copy = await localFile('b/renamed copy.pdf', Buffer.from([1, 2, 3, 4, 5]), 'application/pdf');
    expect(await provider.prepareUpload(copy.candidate)).toEqual({ kind: 'existing', key: id });
    expect((await provider.list()).length).toBe(1);
  });

  it('stores a changed file under a new id, and replaced() removes the old version', async () => {
    const first = await localFile('draft.txt', 'first draft');
    const oldId = await upload(provider, first);
    const second = await localFile('draft.txt', 'second draft, longer');
    const newId = await upload(provider, second);
    expect(newId).not.toBe(oldId);
    expect((await provider.list()).map((entry) => entry.key).sort()).toEqual([oldId, newId].sort());

    await provider.replaced(oldId, newId);
    const listed = await provider.list();
    expect(listed.map((entry) => [entry.key, entry.sha256])).toEqual([[newId, second.candidate.sha256Hex]]);
    // The old bytes are no longer known: uploading them again sends them.
    expect(await provider.prepareUpload(first.candidate)).toMatchObject({ kind: 'send' });
    await provider.replaced(newId, newId); // nothing to remove
    expect((await provider.list()).length).toBe(1);
  });

  it('keeps users apart: bob neither sees nor dedupes against alice’s files', async () => {
    const file = await localFile('private.txt', 'alice only');
    const id = await upload(provider, file);
    const bob = await createProvider({ kind: 'openwebui', baseUrl: remote.url, token: TEST_USERS.bob.token });
    try {
      expect(await bob.list()).toEqual([]);
      expect(await bob.prepareUpload(file.candidate)).toMatchObject({ kind: 'send' });
      await bob.delete(id); // invisible to bob: Open WebUI says 404, which is "gone" to him
    } finally {
      await bob.close();
    }
    expect((await provider.list()).map((entry) => entry.key)).toEqual([id]);
  });

  it('names Open WebUI when the token is wrong, without showing it', async () => {
    const wrong = new OpenWebUiProvider({ baseUrl: remote.url, token: 'owui-wrong-token' });
    try {
      const error = await syncError(wrong.list());
      expect(error).toMatchObject({ category: 'auth', status: 401, retryable: false });
      expect(error.message).toBe('Open WebUI rejected the API key (401). Update it in Settings.');
      expect(`${error.message} ${error.detail}`).not.toContain('owui-wrong-token');
    } finally {
      await wrong.close();
    }
  });

  it('reports bytes that differ from the SHA-256 in the metadata as digest-mismatch', async () => {
    const file = await localFile('changed.txt', 'hashed bytes');
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');
    await writeFile(file.candidate.absolutePath, 'HASHED BYTES');
    const error = await syncError(provider.send(ticket, file.candidate, file.body));
    expect(error).toMatchObject({ category: 'remote-rejected', reason: 'digest-mismatch', status: 400 });
    expect(await provider.list()).toEqual([]);
  });

  it('asks for the SHA-256 it needs', async () => {
    const file = await localFile('nohash.txt', 'x');
    const error = await syncError(provider.prepareUpload({ ...file.candidate, sha256Hex: null }));
    expect(error).toMatchObject({ category: 'config', reason: 'missing-sha256' });
  });

  it('classifies faults: server errors, throttling and cut uploads', async () => {
    const file = await localFile('faults.txt', 'fault lines');
    await provider.list();
    const ticket = await provider.prepareUpload(file.candidate);
    if (ticket.kind !== 'send') throw new Error('expected send');

    remote.server.faults.set({ seed: 5, routes: { 'owui.upload': { errorRate: 1, errorStatus: 502 } } });
    expect(await syncError(provider.send(ticket, file.candidate, file.body))).toMatchObject({
      category: 'network',
      retryable: true,
      status: 502,
    });
    remote.server.faults.set({ seed: 5, routes: { 'owui.upload': { resetRate: 1 } } });
    expect(await syncError(provider.send(ticket, file.candidate, file.body))).toMatchObject({
      category: 'network',
      retryable: true,
    });
    remote.server.faults.set({ seed: 5, routes: { 'owui.list': { throttleRate: 1, retryAfterSeconds: 0 } } });
    expect(await syncError(provider.list())).toMatchObject({ status: 429, retryable: true, retryAfterMs: 0 });
    remote.server.faults.set(null);
    const id = await provider.send(ticket, file.candidate, file.body);
    expect((await provider.list()).map((entry) => entry.key)).toEqual([id]);
  });
});
