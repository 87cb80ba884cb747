import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userIdFor } from '../../electron/server/users.js';
import { http, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

interface FileObject {
  id: string;
  user_id: string;
  hash: string | null;
  filename: string;
  path: string;
  data: { status: string; content?: string };
  meta: { name: string; content_type: string; size: number; file_hash?: string; data?: unknown };
  created_at: number;
  updated_at: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** An Open WebUI `{detail: "..."}` error with the given status; returns the detail. */
function expectDetail(response: ReadResponse, status: number): string {
  expect(response.status, response.text).toBe(status);
  const body = response.json<{ detail: unknown }>();
  expect(Object.keys(body)).toEqual(['detail']);
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  return body.detail as string;
}

/** FastAPI's 422: `detail` is an array of `{type, loc, msg, input}` naming the parameter. */
function expectValidationError(response: ReadResponse, loc: string[]): void {
  expect(response.status, response.text).toBe(422);
  const body = response.json<{ detail: Array<{ type: string; loc: string[]; msg: string }> }>();
  expect(Array.isArray(body.detail)).toBe(true);
  expect(body.detail).toEqual([
    expect.objectContaining({ type: expect.any(String), loc, msg: expect.any(String) }),
  ]);
}

interface UploadOptions {
  filename: string;
  bytes: string | Uint8Array;
  type?: string;
  /** The `metadata` form field, sent as given (a string) or JSON-encoded. */
  metadata?: string | Record<string, unknown>;
  /** Put the metadata field after the file part instead of before it. */
  metadataLast?: boolean;
  prefix?: '/api/v1/files' | '/api/files';
  token?: string;
}

describe('Open WebUI dialect', () => {
  let remote: TestServer;
  beforeEach(async () => {
    // Processing completes at once here; its pending and failed states have their own tests
    // (server-openwebui-processing.test.ts).
    remote = await startTestServer({ openWebUiProcessingMs: 0 });
  });
  afterEach(async () => {
    await remote.close();
  });

  const uploadRaw = (remoteUrl: string, options: UploadOptions): Promise<ReadResponse> => {
    const form = new FormData();
    const metadata =
      options.metadata === undefined
        ? undefined
        : typeof options.metadata === 'string'
          ? options.metadata
          : JSON.stringify(options.metadata);
    if (metadata !== undefined && !options.metadataLast) form.append('metadata', metadata);
    form.append('file', new Blob([options.bytes], { type: options.type ?? 'text/plain' }), options.filename);
    if (metadata !== undefined && options.metadataLast) form.append('metadata', metadata);
    return http(`${remoteUrl}${options.prefix ?? '/api/v1/files'}/`, {
      method: 'POST',
      headers: auth(options.token ?? TEST_USERS.alice.token),
      body: form,
    });
  };

  const upload = async (options: UploadOptions): Promise<FileObject> => {
    const response = await uploadRaw(remote.url, options);
    expect(response.status, response.text).toBe(200);
    return response.json<FileObject>();
  };

  const listFiles = async (query = '', token: string = TEST_USERS.alice.token): Promise<FileObject[]> => {
    const response = await http(`${remote.url}/api/v1/files/${query}`, { headers: auth(token) });
    expect(response.status, response.text).toBe(200);
    return response.json<FileObject[]>();
  };

  const search = (query: string, token: string = TEST_USERS.alice.token) =>
    http(`${remote.url}/api/v1/files/search?${query}`, { headers: auth(token) });

  const searchNames = async (query: string): Promise<string[]> => {
    const response = await search(query);
    expect(response.status, response.text).toBe(200);
    return response
      .json<FileObject[]>()
      .map((file) => file.filename)
      .sort();
  };

  const tmpFiles = () => readdir(join(remote.dataDir, 'tmp'));

  describe('upload', () => {
    it('returns the file object with hashes, meta and extracted text', async () => {
      const text = 'hello from alice\n';
      const before = Math.floor(Date.now() / 1000);
      const response = await uploadRaw(remote.url, {
        filename: 'notes.txt',
        bytes: text,
        metadata: { file_hash: sha256(text) },
      });
      const after = Math.ceil(Date.now() / 1000);
      expect(response.status, response.text).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const file = response.json<FileObject>();
      expect(file).toMatchObject({
        id: expect.stringMatching(UUID),
        user_id: userIdFor(TEST_USERS.alice.name),
        hash: sha256(text),
        filename: 'notes.txt',
        data: { status: 'completed', content: text },
        meta: {
          name: 'notes.txt',
          content_type: 'text/plain',
          size: Buffer.byteLength(text),
          file_hash: sha256(text),
        },
      });
      expect(file.path).toBe(`${file.id}_notes.txt`);
      expect(Number.isInteger(file.created_at)).toBe(true);
      expect(file.created_at).toBeGreaterThanOrEqual(before);
      expect(file.created_at).toBeLessThanOrEqual(after);
      expect(file.updated_at).toBeGreaterThanOrEqual(file.created_at);
      expect(file.updated_at).toBeLessThanOrEqual(after);

      // What the upload answered is what get answers later.
      const fetched = await http(`${remote.url}/api/v1/files/${file.id}`, {
        headers: auth(TEST_USERS.alice.token),
      });
      expect(fetched.status).toBe(200);
      expect(fetched.json()).toEqual(file);
    });

    it('reads metadata sent after the file part, and accepts both prefixes', async () => {
      const bytes = 'metadata comes last';
      const late = await upload({
        filename: 'late.txt',
        bytes,
        metadata: { file_hash: sha256(bytes) },
        metadataLast: true,
        prefix: '/api/files',
      });
      expect(late.meta.file_hash).toBe(sha256(bytes));
      expect(late.hash).toBe(sha256(bytes));

      // A mismatching hash is caught whatever the order of the parts.
      const lateMismatch = await uploadRaw(remote.url, {
        filename: 'late-bad.txt',
        bytes,
        metadata: { file_hash: sha256('other bytes') },
        metadataLast: true,
      });
      expect(expectDetail(lateMismatch, 400)).toMatch(/file_hash/);

      const noMetadata = await upload({ filename: 'plain.txt', bytes: 'no metadata' });
      expect(noMetadata.meta.file_hash).toBeUndefined();
      expect(noMetadata.hash).toBe(sha256('no metadata'));

      const both = await http(`${remote.url}/api/files/`, { headers: auth(TEST_USERS.alice.token) });
      expect(both.status).toBe(200);
      expect(
        both
          .json<FileObject[]>()
          .map((file) => file.filename)
          .sort(),
      ).toEqual(['late.txt', 'plain.txt']);
      expect((await listFiles()).map((file) => file.id).sort()).toEqual(
        both
          .json<FileObject[]>()
          .map((file) => file.id)
          .sort(),
      );
    });

    it('rejects a file_hash of other bytes, bad metadata and a missing file part, storing nothing', async () => {
      const bytes = 'the real bytes';
      const mismatch = await uploadRaw(remote.url, {
        filename: 'a.txt',
        bytes,
        metadata: { file_hash: sha256('not these bytes') },
      });
      expect(expectDetail(mismatch, 400)).toMatch(/file_hash/);
      const upperMismatch = await uploadRaw(remote.url, {
        filename: 'a.txt',
        bytes,
        metadata: { file_hash: sha256('not these bytes').toUpperCase() },
      });
      expectDetail(upperMismatch, 400);

      for (const metadata of ['{not json', '[1,2]', '"text"', '42']) {
        expect(
          expectDetail(await uploadRaw(remote.url, { filename: 'a.txt', bytes, metadata }), 400),
        ).toMatch(/metadata/);
      }
      expectDetail(
        await uploadRaw(remote.url, { filename: 'a.txt', bytes, metadata: { file_hash: 123 } }),
        400,
      );

      const onlyMetadata = new FormData();
      onlyMetadata.append('metadata', JSON.stringify({ file_hash: sha256(bytes) }));
      const noFile = await http(`${remote.url}/api/v1/files/`, {
        method: 'POST',
        headers: auth(TEST_USERS.alice.token),
        body: onlyMetadata,
      });
      expectValidationError(noFile, ['body', 'file']);

      const wrongPart = new FormData();
      wrongPart.append('document', new Blob([bytes], { type: 'text/plain' }), 'a.txt');
      const wrongName = await http(`${remote.url}/api/v1/files/`, {
        method: 'POST',
        headers: auth(TEST_USERS.alice.token),
        body: wrongPart,
      });
      expectValidationError(wrongName, ['body', 'file']);

      const notMultipart = await http(`${remote.url}/api/v1/files/`, {
        method: 'POST',
        headers: { ...auth(TEST_USERS.alice.token), 'content-type': 'application/json' },
        body: JSON.stringify({ file: bytes }),
      });
      expectValidationError(notMultipart, ['body', 'file']);

      expect(await listFiles()).toEqual([]);
      expect(await tmpFiles()).toEqual([]);

      // The same bytes with their true hash are accepted: the refusals were about the hash.
      const good = await upload({ filename: 'a.txt', bytes, metadata: { file_hash: sha256(bytes) } });
      expect(good.meta.file_hash).toBe(sha256(bytes));
      // An upper-case hash of the right bytes is the same hash.
      const upper = await upload({
        filename: 'b.txt',
        bytes,
        metadata: { file_hash: sha256(bytes).toUpperCase() },
      });
      expect(upper.hash).toBe(sha256(bytes));
    });

    it('keeps only the last segment of a filename, sanitized', async () => {
      const file = await upload({ filename: '../../etc/pass:wd?.txt', bytes: 'not really' });
      expect(file.filename).toBe('pass_wd_.txt');
      expect(file.meta.name).toBe('pass_wd_.txt');
      expect(file.path).toBe(`${file.id}_pass_wd_.txt`);
      const unicode = await upload({ filename: 'cafe\u0301 résumé.txt', bytes: 'accents' });
      expect(unicode.filename).toBe('caf\u00e9 résumé.txt');
    });

    it('answers 401 {detail} without a valid bearer token', async () => {
      for (const headers of [{}, auth('nobody-token-999'), { 'x-api-key': TEST_USERS.alice.token }]) {
        const response = await http(`${remote.url}/api/v1/files/`, { headers });
        expectDetail(response, 401);
      }
      const form = new FormData();
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
      expectDetail(await http(`${remote.url}/api/v1/files/`, { method: 'POST', body: form }), 401);
      expect(await listFiles()).toEqual([]);
    });

    it('refuses a file over the size limit with 413 and stores nothing', async () => {
      const small = await startTestServer({ maxObjectBytes: 1024 });
      try {
        const atLimit = await uploadRaw(small.url, {
          filename: 'fits.bin',
          bytes: new Uint8Array(1024).fill(7),
        });
        expect(atLimit.status, atLimit.text).toBe(200);
        expect(atLimit.json<FileObject>().meta.size).toBe(1024);

        const over = await uploadRaw(small.url, { filename: 'big.bin', bytes: new Uint8Array(1025).fill(1) });
        expect(expectDetail(over, 413)).toMatch(/1024/);
        const wayOver = await uploadRaw(small.url, {
          filename: 'huge.bin',
          bytes: new Uint8Array(256 * 1024).fill(2),
        });
        expectDetail(wayOver, 413);

        const listed = await http(`${small.url}/api/v1/files/`, { headers: auth(TEST_USERS.alice.token) });
        expect(listed.json<FileObject[]>().map((file) => file.filename)).toEqual(['fits.bin']);
        expect(await readdir(join(small.dataDir, 'tmp'))).toEqual([]);
      } finally {
        await small.close();
      }
    });

    it('leaves nothing behind when the client disconnects mid-upload', async () => {
      const boundary = 'hoist-test-boundary';
      const head = Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="partial.bin"\r\n` +
          `content-type: application/octet-stream\r\n\r\n`,
      );
      const declaredBytes = 8 * 1024 * 1024;
      const request = httpRequest(`${remote.url}/api/v1/files/`, {
        method: 'POST',
        headers: {
          ...auth(TEST_USERS.alice.token),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + declaredBytes + boundary.length + 8),
        },
      });
      const settled = new Promise<void>((resolve) => {
        request.on('error', () => resolve());
        request.on('close', () => resolve());
      });
      request.write(head);
      request.write(Buffer.alloc(64 * 1024, 3));
      // The server has started receiving the file: its temp file exists.
      await vi.waitFor(async () => expect(await tmpFiles()).toHaveLength(1), { timeout: 5000, interval: 20 });
      request.destroy();
      await settled;

      await vi.waitFor(async () => expect(await tmpFiles()).toEqual([]), { timeout: 5000, interval: 20 });
      expect(await listFiles()).toEqual([]);
      // And the server still works.
      const after = await upload({ filename: 'after.txt', bytes: 'still here' });
      expect((await listFiles()).map((file) => file.id)).toEqual([after.id]);
    });
  });

  describe('list', () => {
    it('includes data.content by default and strips it with content=false', async () => {
      const text = 'line one\nline two\n';
      const file = await upload({ filename: 'doc.txt', bytes: text });
      const binary = await upload({
        filename: 'pic.png',
        bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
        type: 'image/png',
      });

      const withContent = await listFiles();
      expect(withContent).toHaveLength(2);
      const doc = withContent.find((entry) => entry.id === file.id);
      expect(doc?.data).toEqual({ status: 'completed', content: text });
      expect(doc).toEqual(file);
      const png = withContent.find((entry) => entry.id === binary.id);
      expect(png?.meta).toMatchObject({ name: 'pic.png', content_type: 'image/png', size: 7 });
      expect(png?.data.content).toBe('');

      expect(await listFiles('?content=true')).toEqual(withContent);

      for (const query of ['?content=false', '?content=0']) {
        const stripped = await listFiles(query);
        expect(stripped).toHaveLength(2);
        for (const entry of stripped) {
          expect(entry.data).toEqual({ status: 'completed' });
          expect('content' in entry.data).toBe(false);
        }
        const strippedDoc = stripped.find((entry) => entry.id === file.id);
        expect(strippedDoc).toEqual({ ...file, data: { status: 'completed' } });
      }
      expectValidationError(
        await http(`${remote.url}/api/v1/files/?content=maybe`, { headers: auth(TEST_USERS.alice.token) }),
        ['query', 'content'],
      );
    });
  });

  describe('search', () => {
    const names = [
      'Report-2024.PDF',
      'report-2025.pdf',
      'notes.txt',
      'notesXtxt',
      'photo1.png',
      'photo22.png',
    ];
    beforeEach(async () => {
      for (const filename of names) await upload({ filename, bytes: `content of ${filename}` });
    });

    it('matches * and ? globs case-insensitively with literal dots', async () => {
      expect(await searchNames('filename=*.pdf')).toEqual(['Report-2024.PDF', 'report-2025.pdf']);
      expect(await searchNames('filename=REPORT*')).toEqual(['Report-2024.PDF', 'report-2025.pdf']);
      expect(await searchNames('filename=photo%3F.png')).toEqual(['photo1.png']);
      expect(await searchNames('filename=photo*.png')).toEqual(['photo1.png', 'photo22.png']);
      expect(await searchNames('filename=notes.txt')).toEqual(['notes.txt']);
      expect(await searchNames('filename=notes%3Ftxt')).toEqual(['notes.txt', 'notesXtxt']);
      expect(await searchNames('filename=*')).toEqual([...names].sort());
      // The whole name must match, not a part of it.
      expect(expectDetail(await search('filename=report'), 404)).toMatch(/No files/i);

      const viaOldPrefix = await http(`${remote.url}/api/files/search?filename=*.PNG`, {
        headers: auth(TEST_USERS.alice.token),
      });
      expect(viaOldPrefix.status).toBe(200);
      expect(
        viaOldPrefix
          .json<FileObject[]>()
          .map((file) => file.filename)
          .sort(),
      ).toEqual(['photo1.png', 'photo22.png']);

      const withoutContent = await search('filename=notes.txt&content=false');
      expect(withoutContent.json<FileObject[]>()[0]?.data).toEqual({ status: 'completed' });
      const withContent = await search('filename=notes.txt');
      expect(withContent.json<FileObject[]>()[0]?.data).toEqual({
        status: 'completed',
        content: 'content of notes.txt',
      });
    });

    it('pages with skip and limit', async () => {
      const pages: string[][] = [];
      for (let skip = 0; skip < names.length; skip += 4) {
        const response = await search(`filename=*&skip=${skip}&limit=4`);
        expect(response.status).toBe(200);
        pages.push(response.json<FileObject[]>().map((file) => file.filename));
      }
      expect(pages.map((page) => page.length)).toEqual([4, 2]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(names.length);
      expect([...all].sort()).toEqual([...names].sort());

      expect(await searchNames('filename=*&limit=1')).toHaveLength(1);
      expect(await searchNames('filename=*&limit=1000')).toHaveLength(names.length);
      expect(await searchNames('filename=*.pdf&skip=1')).toHaveLength(1);
      // Skipping past the matches leaves none, which is a 404 like no match at all.
      expectDetail(await search(`filename=*&skip=${names.length}`), 404);
    });

    it('answers 422 with a FastAPI detail array for bad parameters and 404 for no match', async () => {
      for (const limit of ['0', '1001', '-5', 'abc', '2.5']) {
        expectValidationError(await search(`filename=*&limit=${limit}`), ['query', 'limit']);
      }
      for (const skip of ['-1', 'x']) {
        expectValidationError(await search(`filename=*&skip=${skip}`), ['query', 'skip']);
      }
      expectValidationError(await search('limit=5'), ['query', 'filename']);
      expect(expectDetail(await search('filename=*.docx'), 404)).toMatch(/No files/i);
    });
  });

  describe('get, content, delete', () => {
    it('gets by id, downloads identical bytes, deletes, then answers 404', async () => {
      const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, index) => (index * 31) % 256));
      const file = await upload({ filename: 'data file.bin', bytes, type: 'application/x-custom' });
      expect(file.meta).toMatchObject({
        name: 'data file.bin',
        content_type: 'application/x-custom',
        size: 4096,
      });

      for (const prefix of ['/api/v1/files', '/api/files']) {
        const got = await http(`${remote.url}${prefix}/${file.id}`, {
          headers: auth(TEST_USERS.alice.token),
        });
        expect(got.status).toBe(200);
        expect(got.json()).toEqual(file);

        const content = await fetch(`${remote.url}${prefix}/${file.id}/content`, {
          headers: auth(TEST_USERS.alice.token),
        });
        expect(content.status).toBe(200);
        expect(content.headers.get('content-type')).toBe('application/x-custom');
        expect(content.headers.get('content-length')).toBe('4096');
        expect(content.headers.get('content-disposition')).toContain("filename*=UTF-8''data%20file.bin");
        expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
      }

      // A type the client did not name is guessed from the extension.
      const guessed = await upload({ filename: 'page.html', bytes: '<p>hi</p>', type: '' });
      expect(guessed.meta.content_type).toBe('text/html');
      const html = await fetch(`${remote.url}/api/v1/files/${guessed.id}/content`, {
        headers: auth(TEST_USERS.alice.token),
      });
      expect(html.headers.get('content-type')).toBe('text/html');
      expect(await html.text()).toBe('<p>hi</p>');

      const removed = await http(`${remote.url}/api/v1/files/${file.id}`, {
        method: 'DELETE',
        headers: auth(TEST_USERS.alice.token),
      });
      expect(removed.status).toBe(200);
      expect(removed.json()).toEqual({ message: 'File deleted successfully' });

      const url = `${remote.url}/api/v1/files/${file.id}`;
      expectDetail(await http(url, { headers: auth(TEST_USERS.alice.token) }), 404);
      expectDetail(await http(`${url}/content`, { headers: auth(TEST_USERS.alice.token) }), 404);
      expectDetail(await http(url, { method: 'DELETE', headers: auth(TEST_USERS.alice.token) }), 404);
      expect((await listFiles()).map((entry) => entry.id)).toEqual([guessed.id]);

      // Paths that are no route, and wrong methods, still answer {detail}.
      for (const path of [
        `/api/v1/files/${guessed.id}/content/extra`,
        '/api/files/a/b',
        `/api/v1/files/${guessed.id}/x`,
      ]) {
        expect(
          expectDetail(await http(`${remote.url}${path}`, { headers: auth(TEST_USERS.alice.token) }), 404),
        ).toBe('Not Found');
      }
      for (const [method, path] of [
        ['PUT', `/api/v1/files/${guessed.id}`],
        ['POST', `/api/v1/files/${guessed.id}/content`],
        ['DELETE', '/api/v1/files/'],
      ] as const) {
        expectDetail(
          await http(`${remote.url}${path}`, { method, headers: auth(TEST_USERS.alice.token) }),
          405,
        );
      }
      expect((await listFiles()).map((entry) => entry.id)).toEqual([guessed.id]);

      expectDetail(
        await http(`${remote.url}/api/v1/files/00000000-0000-0000-0000-000000000000`, {
          headers: auth(TEST_USERS.alice.token),
        }),
        404,
      );
    });
  });

  describe('isolation', () => {
    it("hides alice's files from bob and shows everyone's to the admin", async () => {
      const aliceText = 'alice private text';
      const alice = await upload({ filename: 'alice.txt', bytes: aliceText });
      const bob = await upload({ filename: 'bob.txt', bytes: 'bob text', token: TEST_USERS.bob.token });
      const bobToken = TEST_USERS.bob.token;
      const aliceUrl = `${remote.url}/api/v1/files/${alice.id}`;

      expectDetail(await http(aliceUrl, { headers: auth(bobToken) }), 404);
      expectDetail(await http(`${aliceUrl}/content`, { headers: auth(bobToken) }), 404);
      expectDetail(await http(aliceUrl, { method: 'DELETE', headers: auth(bobToken) }), 404);
      expect((await listFiles('', bobToken)).map((file) => file.id)).toEqual([bob.id]);
      expectDetail(await search('filename=alice*', bobToken), 404);
      expect((await search('filename=*', bobToken)).json<FileObject[]>().map((file) => file.id)).toEqual([
        bob.id,
      ]);

      // Alice's file survived bob's attempt to delete it, and alice does not see bob's.
      const stillThere = await http(aliceUrl, { headers: auth(TEST_USERS.alice.token) });
      expect(stillThere.status).toBe(200);
      expect((await listFiles()).map((file) => file.id)).toEqual([alice.id]);

      const adminToken = TEST_USERS.admin.token;
      const adminList = await listFiles('', adminToken);
      expect(adminList.map((file) => file.id).sort()).toEqual([alice.id, bob.id].sort());
      expect(adminList.find((file) => file.id === alice.id)?.user_id).toBe(userIdFor(TEST_USERS.alice.name));
      expect(adminList.find((file) => file.id === bob.id)?.user_id).toBe(userIdFor(TEST_USERS.bob.name));
      const adminGet = await http(aliceUrl, { headers: auth(adminToken) });
      expect(adminGet.status).toBe(200);
      expect(adminGet.json()).toEqual(alice);
      const adminContent = await http(`${aliceUrl}/content`, { headers: auth(adminToken) });
      expect(adminContent.status).toBe(200);
      expect(adminContent.text).toBe(aliceText);
      expect((await search('filename=*.txt', adminToken)).json<FileObject[]>()).toHaveLength(2);
    });
  });

  describe('dedupe by file_hash', () => {
    it('lets a client find its local file among the listed ones by meta.file_hash', async () => {
      const local = 'the local file the sync client holds';
      const localHash = sha256(local);
      // Another user's identical file must not count as alice's copy.
      await upload({
        filename: 'synced.txt',
        bytes: local,
        metadata: { file_hash: localHash },
        token: TEST_USERS.bob.token,
      });
      const findCopy = async (): Promise<FileObject[]> =>
        (await listFiles('?content=false')).filter((file) => file.meta.file_hash === localHash);
      expect(await findCopy()).toEqual([]);

      await upload({
        filename: 'other.txt',
        bytes: 'different',
        metadata: { file_hash: sha256('different') },
      });
      // Same bytes uploaded without a file_hash: `hash` is set, but the client keys on meta.file_hash.
      const unhashed = await upload({ filename: 'unhashed.txt', bytes: local });
      expect(unhashed.meta.file_hash).toBeUndefined();
      expect(await findCopy()).toEqual([]);

      const stored = await upload({
        filename: 'synced.txt',
        bytes: local,
        metadata: { file_hash: localHash },
      });
      const copies = await findCopy();
      expect(copies.map((file) => file.id)).toEqual([stored.id]);
      expect(copies[0]?.hash).toBe(localHash);
      expect(copies[0]?.meta.size).toBe(Buffer.byteLength(local));

      // Once deleted, the client finds no copy and uploads again.
      const removed = await http(`${remote.url}/api/v1/files/${stored.id}`, {
        method: 'DELETE',
        headers: auth(TEST_USERS.alice.token),
      });
      expect(removed.status).toBe(200);
      expect(await findCopy()).toEqual([]);
    });
  });
});
