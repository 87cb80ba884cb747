import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { http, s3ErrorCode, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const md5Hex = (body: string | Buffer): string => createHash('md5').update(body).digest('hex');
const md5Base64 = (body: string | Buffer): string => createHash('md5').update(body).digest('base64');

interface Ticket {
  md5: string;
  presignedUrl: string;
  type: 'new' | 'existing';
  s3Key: string;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** All files under `dir` (relative paths, sorted); a missing dir is empty. */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(20);
  }
}

/**
 * A PUT through node:http so the test controls framing: an explicit Content-Length, or chunked
 * transfer-encoding with a pause between chunks. Stops writing once the server has answered (it may answer
 * early and close), and resolves with the answer.
 */
function rawPut(
  url: string,
  headers: Record<string, string>,
  chunks: Buffer[],
  options: { gapMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: 'PUT', headers });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return;
        req.write(chunk);
        if (options.gapMs) await delay(options.gapMs);
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

function expectS3Error(response: ReadResponse | RawResponse, status: number, code: string): string {
  const text = response.text;
  expect(response.status, text).toBe(status);
  const contentType =
    'get' in response.headers
      ? (response.headers as Headers).get('content-type')
      : (response.headers as IncomingHttpHeaders)['content-type'];
  expect(contentType).toBe('application/xml');
  expect(s3ErrorCode(text)).toBe(code);
  return /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
}

describe('presigned PUT (fs backend): what S3 refuses, and nothing half-stored', () => {
  let remote: TestServer;
  const extraServers: TestServer[] = [];

  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
    while (extraServers.length > 0) await extraServers.pop()?.close();
  });

  const startServer = async (options: Partial<ReferenceServerOptions>): Promise<TestServer> => {
    const server = await startTestServer(options);
    extraServers.push(server);
    return server;
  };

  const alloyHeaders = {
    authorization: `Bearer ${TEST_USERS.alice.token}`,
    'x-api-version': '2025-09',
    'content-type': 'application/json',
  };

  const requestUpload = async (
    server: TestServer,
    filename: string,
    body: string | Buffer,
    mimeType = 'text/plain',
  ): Promise<Ticket> => {
    const response = await http(`${server.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders,
      body: JSON.stringify({ filename, mimeType, md5: md5Hex(body) }),
    });
    expect(response.status, response.text).toBe(200);
    return response.json<{ presignedUrl: Ticket }>().presignedUrl;
  };

  const put = (ticket: Ticket, body: string | Buffer, headers: Record<string, string> = {}, url?: string) =>
    http(url ?? ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5, ...headers },
      body,
    });

  const upload = async (server: TestServer, filename: string, body: string | Buffer): Promise<Ticket> => {
    const ticket = await requestUpload(server, filename, body);
    const response = await put(ticket, body);
    expect(response.status, response.text).toBe(200);
    return ticket;
  };

  const list = async (server: TestServer) => {
    const response = await http(`${server.url}/connectors/files/list`, { headers: alloyHeaders });
    expect(response.status).toBe(200);
    return response.json<{
      files: Array<{ s3Key: string; filename: string; size: number; lastModified: string }>;
    }>().files;
  };

  /** `<dataDir>/blobs/<2 hex>/<sha256(alloy/<s3Key>)>.<md5 hex>` (fs-blob-store.ts). */
  const blobPath = (server: TestServer, s3Key: string, contentMd5Hex: string): string => {
    const keyHash = createHash('sha256').update(`alloy/${s3Key}`).digest('hex');
    return join(server.dataDir, 'blobs', keyHash.slice(0, 2), `${keyHash}.${contentMd5Hex}`);
  };

  const snapshot = async (server: TestServer) => ({
    files: await list(server),
    blobs: await filesUnder(join(server.dataDir, 'blobs')),
    tmp: await filesUnder(join(server.dataDir, 'tmp')),
  });

  /** Nothing changed: same listing, same blobs, and no temp file left behind. */
  const expectUnchanged = async (server: TestServer, before: Awaited<ReturnType<typeof snapshot>>) => {
    const after = await snapshot(server);
    expect(after.files).toEqual(before.files);
    expect(after.blobs).toEqual(before.blobs);
    expect(after.tmp).toEqual([]);
  };

  describe('Content-MD5', () => {
    it('answers 400 BadDigest for a body that does not match, stores nothing, and the URL still works', async () => {
      const ticket = await requestUpload(remote, 'digest.txt', 'the real body');
      const before = await snapshot(remote);
      expect(before).toEqual({ files: [], blobs: [], tmp: [] });

      const wrong = await put(ticket, 'the REAL body');
      expectS3Error(wrong, 400, 'BadDigest');
      const truncated = await put(ticket, 'the real bod');
      expectS3Error(truncated, 400, 'BadDigest');
      const empty = await put(ticket, '');
      expectS3Error(empty, 400, 'BadDigest');
      await expectUnchanged(remote, before);

      expect((await put(ticket, 'the real body')).status).toBe(200);
      expect(await list(remote)).toEqual([expect.objectContaining({ s3Key: ticket.s3Key, size: 13 })]);
    });

    it('answers 403 SignatureDoesNotMatch for a valid Content-MD5 other than the signed one', async () => {
      const ticket = await requestUpload(remote, 'signed.txt', 'signed body');
      const before = await snapshot(remote);
      // The body matches the Content-MD5 sent, so only the signature can refuse it.
      const other = await put(ticket, 'other body', { 'content-md5': md5Base64('other body') });
      expectS3Error(other, 403, 'SignatureDoesNotMatch');
      await expectUnchanged(remote, before);
    });

    it('answers 400 InvalidDigest for a malformed or missing Content-MD5', async () => {
      const body = 'some body';
      const ticket = await requestUpload(remote, 'invalid.txt', body);
      const before = await snapshot(remote);
      for (const contentMd5 of [
        md5Hex(body), // hex, not base64
        'not-base64!',
        createHash('md5').update(body).digest().subarray(0, 15).toString('base64'),
        `${md5Base64(body).slice(0, 22)}`, // no padding
        createHash('sha1').update(body).digest('base64'),
        '',
      ]) {
        const response = await put(ticket, body, { 'content-md5': contentMd5 });
        expectS3Error(response, 400, 'InvalidDigest');
      }
      const missing = await http(ticket.presignedUrl, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body,
      });
      expectS3Error(missing, 400, 'InvalidDigest');
      await expectUnchanged(remote, before);
    });
  });

  describe('signature', () => {
    it('answers 403 SignatureDoesNotMatch for a tampered signature, key, expiry or Content-Type', async () => {
      const body = 'tamper-proof';
      const ticket = await requestUpload(remote, 'a.txt', body);
      // Another upload of the same bytes is pending under b.txt: a key swap must still fail.
      const sibling = await requestUpload(remote, 'b.txt', body);
      const before = await snapshot(remote);

      const url = new URL(ticket.presignedUrl);
      const signature = url.searchParams.get('X-Hoist-Signature') ?? '';
      const expires = Number(url.searchParams.get('X-Hoist-Expires'));
      expect(signature).not.toBe('');
      expect(Number.isInteger(expires)).toBe(true);

      const tamperedSignature = new URL(url);
      const flipped = signature.endsWith('A') ? 'B' : 'A';
      tamperedSignature.searchParams.set('X-Hoist-Signature', `${signature.slice(0, -1)}${flipped}`);
      const tamperedKey = new URL(url);
      tamperedKey.pathname = new URL(sibling.presignedUrl).pathname;
      expect(tamperedKey.pathname).not.toBe(url.pathname);
      const tamperedExpiry = new URL(url);
      tamperedExpiry.searchParams.set('X-Hoist-Expires', String(expires + 3600));

      for (const [what, target] of [
        ['signature', tamperedSignature],
        ['key', tamperedKey],
        ['expiry', tamperedExpiry],
      ] as const) {
        const response = await put(ticket, body, {}, target.toString());
        expect(s3ErrorCode(response.text), what).toBe('SignatureDoesNotMatch');
        expectS3Error(response, 403, 'SignatureDoesNotMatch');
      }
      const otherType = await put(ticket, body, { 'content-type': 'application/octet-stream' });
      expectS3Error(otherType, 403, 'SignatureDoesNotMatch');

      const unsigned = new URL(url);
      unsigned.searchParams.delete('X-Hoist-Signature');
      expectS3Error(await put(ticket, body, {}, unsigned.toString()), 403, 'AccessDenied');
      await expectUnchanged(remote, before);

      // The untampered URL still works.
      expect((await put(ticket, body)).status).toBe(200);
    });

    it('answers 403 AccessDenied "Request has expired" once the URL’s hour is over, not before', async () => {
      let clock = Date.now();
      const server = await startServer({ now: () => clock });
      const early = await requestUpload(server, 'early.txt', 'in time');
      const late = await requestUpload(server, 'late.txt', 'too late');
      const before = await snapshot(server);

      clock += 3599 * 1000;
      expect((await put(early, 'in time')).status).toBe(200);

      clock += 2 * 1000;
      const expired = await put(late, 'too late');
      const message = expectS3Error(expired, 403, 'AccessDenied');
      expect(message).toBe('Request has expired');
      const after = await snapshot(server);
      expect(after.files.map((file) => file.filename)).toEqual(['early.txt']);
      expect(after.blobs).toHaveLength(before.blobs.length + 1);
      expect(after.tmp).toEqual([]);

      // A fresh URL for the same upload works again.
      const renewed = await requestUpload(server, 'late.txt', 'too late');
      expect((await put(renewed, 'too late')).status).toBe(200);
    });

    it('expires a URL after urlTtlSeconds on the real clock', async () => {
      const server = await startServer({ urlTtlSeconds: 0 });
      const ticket = await requestUpload(server, 'ttl.txt', 'short-lived');
      const expires = Number(new URL(ticket.presignedUrl).searchParams.get('X-Hoist-Expires'));
      expect(expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      // Valid through its expiry second, refused after it (at most ~1 s of waiting).
      await waitFor('the URL to expire', async () => Math.floor(Date.now() / 1000) > expires, 1500);
      expectS3Error(await put(ticket, 'short-lived'), 403, 'AccessDenied');
      expect(await list(server)).toEqual([]);
    });
  });

  describe('size limit', () => {
    const LIMIT = 1024;

    it('answers 400 EntityTooLarge for a Content-Length over the limit and stores nothing', async () => {
      const server = await startServer({ maxObjectBytes: LIMIT });
      const body = Buffer.alloc(2 * LIMIT, 'x');
      const ticket = await requestUpload(server, 'big.bin', body);
      const before = await snapshot(server);
      const response = await rawPut(
        ticket.presignedUrl,
        { 'content-type': 'text/plain', 'content-md5': ticket.md5, 'content-length': String(body.length) },
        [body],
      );
      const message = expectS3Error(response, 400, 'EntityTooLarge');
      expect(message).toContain(String(LIMIT));
      await expectUnchanged(server, before);
    });

    it('answers 400 EntityTooLarge for a chunked body that grows past the limit and stores nothing', async () => {
      const server = await startServer({ maxObjectBytes: LIMIT });
      const body = Buffer.alloc(4 * LIMIT, 'y');
      const ticket = await requestUpload(server, 'growing.bin', body);
      const before = await snapshot(server);
      const chunks = Array.from({ length: 8 }, (_, index) => body.subarray(index * 512, (index + 1) * 512));
      const response = await rawPut(
        ticket.presignedUrl,
        { 'content-type': 'text/plain', 'content-md5': ticket.md5, 'transfer-encoding': 'chunked' },
        chunks,
        { gapMs: 30 },
      );
      expectS3Error(response, 400, 'EntityTooLarge');
      await waitFor(
        'tmp/ to be emptied',
        async () => (await filesUnder(join(server.dataDir, 'tmp'))).length === 0,
      );
      await expectUnchanged(server, before);
    });

    it('accepts a body of exactly the limit, chunked or not', async () => {
      const server = await startServer({ maxObjectBytes: LIMIT });
      const body = Buffer.alloc(LIMIT, 'z');
      const sized = await requestUpload(server, 'exact.bin', body);
      const withLength = await rawPut(
        sized.presignedUrl,
        { 'content-type': 'text/plain', 'content-md5': sized.md5, 'content-length': String(LIMIT) },
        [body],
      );
      expect(withLength.status, withLength.text).toBe(200);
      const chunkedTicket = await requestUpload(server, 'exact-chunked.bin', body);
      const chunked = await rawPut(
        chunkedTicket.presignedUrl,
        { 'content-type': 'text/plain', 'content-md5': chunkedTicket.md5, 'transfer-encoding': 'chunked' },
        [body.subarray(0, 600), body.subarray(600)],
        { gapMs: 10 },
      );
      expect(chunked.status, chunked.text).toBe(200);
      expect((await list(server)).map((file) => [file.filename, file.size])).toEqual([
        ['exact-chunked.bin', LIMIT],
        ['exact.bin', LIMIT],
      ]);
    });
  });

  describe('bodies', () => {
    it('stores an empty body and a body of several 1 MiB blocks byte for byte', async () => {
      const empty = await upload(remote, 'empty.txt', '');
      const large = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let index = 0; index < large.length; index++) large[index] = (index * 7 + (index >> 12)) & 0xff;
      const big = await upload(remote, 'large.bin', large);
      expect((await list(remote)).map((file) => [file.filename, file.size])).toEqual([
        ['empty.txt', 0],
        ['large.bin', large.length],
      ]);
      expect((await readFile(blobPath(remote, empty.s3Key, md5Hex('')))).length).toBe(0);
      expect((await readFile(blobPath(remote, big.s3Key, md5Hex(large)))).equals(large)).toBe(true);
      expect(await filesUnder(join(remote.dataDir, 'tmp'))).toEqual([]);
    });
  });

  describe('URL paths', () => {
    // Composio keys are `{userId}/{toolkit}/{tool}/{filename}`, so the sanitized filename is a path segment
    // of the presigned URL of its own. "." and ".." survive the sanitizer (API.md §1's rule keeps them), and
    // a URL parser removes such dot segments (WHATWG URL, also for %2E), so the URL must not contain one.
    it('a Composio filename of "." or ".." is refused: no URL could address its key', async () => {
      for (const filename of ['.', '..']) {
        const response = await http(`${remote.url}/api/v3/files/upload/request`, {
          method: 'POST',
          headers: { 'x-api-key': TEST_USERS.alice.token, 'content-type': 'application/json' },
          body: JSON.stringify({
            toolkit_slug: 'kit',
            tool_slug: 'tool',
            filename,
            mimetype: 'text/plain',
            md5: md5Hex('x'),
          }),
        });
        expect(response.status, filename).toBe(400);
        expect(response.json<{ error: { slug: string } }>().error.slug).toBe('File_InvalidFilename');
      }
    });

    for (const filename of ['...', 'plain.txt']) {
      it(`a Composio upload named ${JSON.stringify(filename)} can be PUT to its presigned URL`, async () => {
        const body = `bytes of ${filename}`;
        const response = await http(`${remote.url}/api/v3/files/upload/request`, {
          method: 'POST',
          headers: { 'x-api-key': TEST_USERS.alice.token, 'content-type': 'application/json' },
          body: JSON.stringify({
            toolkit_slug: 'kit',
            tool_slug: 'tool',
            filename,
            mimetype: 'text/plain',
            md5: md5Hex(body),
          }),
        });
        expect(response.status, response.text).toBe(200);
        const ticket = response.json<{ key: string; new_presigned_url: string }>();
        expect(ticket.key.endsWith(`/kit/tool/${filename}`)).toBe(true);
        const stored = await http(ticket.new_presigned_url, {
          method: 'PUT',
          headers: { 'content-type': 'text/plain', 'content-md5': md5Base64(body) },
          body,
        });
        expect(stored.status, stored.text).toBe(200);
        const listed = await http(`${remote.url}/api/v3/files/list`, {
          headers: { 'x-api-key': TEST_USERS.alice.token },
        });
        expect(
          listed.json<{ items: Array<{ filename: string }> }>().items.map((item) => item.filename),
        ).toEqual([filename]);
      });
    }
  });

  describe('overwrites', () => {
    it('a rejected overwrite leaves the previous version intact', async () => {
      const server = await startServer({ maxObjectBytes: 1024 });
      const v1 = await upload(server, 'doc.txt', 'version one');
      const before = await snapshot(server);
      expect(before.files).toEqual([expect.objectContaining({ s3Key: v1.s3Key, size: 11 })]);

      const v2Body = Buffer.alloc(2000, 'v');
      const v2 = await requestUpload(server, 'doc.txt', v2Body);
      expect(v2.type).toBe('new');
      // Wrong bytes, a foreign Content-MD5, then too many bytes: all refused.
      expectS3Error(await put(v2, 'version two'), 400, 'BadDigest');
      expectS3Error(
        await put(v2, 'version two', { 'content-md5': md5Base64('version two') }),
        403,
        'SignatureDoesNotMatch',
      );
      expectS3Error(
        await rawPut(
          v2.presignedUrl,
          { 'content-type': 'text/plain', 'content-md5': v2.md5, 'content-length': String(v2Body.length) },
          [v2Body],
        ),
        400,
        'EntityTooLarge',
      );
      await expectUnchanged(server, before);
      expect(await readFile(blobPath(server, v1.s3Key, md5Hex('version one')), 'utf8')).toBe('version one');
      // And the server still calls the stored version what it is.
      const again = await requestUpload(server, 'doc.txt', 'version one');
      expect(again.type).toBe('existing');
    });

    it('a client that dies mid-PUT leaves no partial object and the previous version intact', async () => {
      const v1 = await upload(remote, 'doc.txt', 'version one');
      const before = await snapshot(remote);
      // Larger than a block: a body that fits in one is held in memory until it ends (group-commit.ts),
      // so only a larger one is on disk mid-body, where a vanishing client could leave a part behind.
      const v2Body = Buffer.alloc(3 * 1024 * 1024, 'w');
      const v2 = await requestUpload(remote, 'doc.txt', v2Body);

      const req = httpRequest(v2.presignedUrl, {
        method: 'PUT',
        headers: {
          'content-type': 'text/plain',
          'content-md5': v2.md5,
          'content-length': String(v2Body.length),
        },
      });
      let answered = false;
      req.on('response', () => (answered = true));
      req.on('error', () => undefined);
      req.write(v2Body.subarray(0, v2Body.length / 2));
      const tmpDir = join(remote.dataDir, 'tmp');
      // The server has started receiving the body into a temp file...
      await waitFor('the upload to reach tmp/', async () => (await filesUnder(tmpDir)).length === 1);
      // ...when the client vanishes.
      req.destroy();
      await waitFor(
        'the server to drop the partial upload',
        async () => (await filesUnder(tmpDir)).length === 0,
      );
      expect(answered).toBe(false);

      await expectUnchanged(remote, before);
      expect(await readFile(blobPath(remote, v1.s3Key, md5Hex('version one')), 'utf8')).toBe('version one');
      expect(await filesUnder(join(remote.dataDir, 'blobs'))).toHaveLength(1);

      // The same URL completes the upload afterwards.
      const retry = await put(v2, v2Body);
      expect(retry.status, retry.text).toBe(200);
      expect(await list(remote)).toEqual([expect.objectContaining({ s3Key: v1.s3Key, size: v2Body.length })]);
      expect(await filesUnder(join(remote.dataDir, 'blobs'))).toHaveLength(1);
    });

    it('a PUT retried with the same URL after success succeeds again and keeps one object', async () => {
      const ticket = await requestUpload(remote, 'retry.txt', 'retried body');
      const first = await put(ticket, 'retried body');
      expect(first.status).toBe(200);
      const afterFirst = await snapshot(remote);
      const second = await put(ticket, 'retried body');
      expect(second.status, second.text).toBe(200);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(second.headers.get('etag')).toBe(`"${md5Hex('retried body')}"`);
      const afterSecond = await snapshot(remote);
      expect(afterSecond.files).toEqual([expect.objectContaining({ s3Key: ticket.s3Key, size: 12 })]);
      expect(afterSecond.blobs).toEqual(afterFirst.blobs);
      expect(afterSecond.tmp).toEqual([]);
      expect(await readFile(blobPath(remote, ticket.s3Key, md5Hex('retried body')), 'utf8')).toBe(
        'retried body',
      );
    });
  });
});
