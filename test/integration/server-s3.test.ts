import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { sleep } from '../../electron/base/sleep.js';
import { alloyHeaders } from '../support/alloy-requests.js';

const md5Hex = (body: string | Uint8Array): string => createHash('md5').update(body).digest('hex');
const md5Base64 = (body: string | Uint8Array): string => createHash('md5').update(body).digest('base64');
const sha256Hex = (body: string | Uint8Array): string => createHash('sha256').update(body).digest('hex');

const composioHeaders = (token: string): Record<string, string> => ({
  'x-api-key': token,
  'content-type': 'application/json',
});

interface AlloyTicket {
  md5: string;
  presignedUrl: string;
  type: string;
  s3Key: string;
}

describe('S3 backend against s3rver', () => {
  let s3: S3Emulator;
  let remote: TestServer;
  /** A client of our own to look into the bucket behind the reference server's back. */
  let inspector: S3Client;

  /** Undone in reverse order, so a beforeEach that fails halfway still cleans up what it started. */
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    const emulator = await startS3Emulator();
    cleanups.push(() => emulator.stop());
    s3 = emulator;
    const server = await startTestServer({ backend: s3.backend });
    cleanups.push(() => server.close());
    remote = server;
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.backend.credentials,
    });
    cleanups.push(() => client.destroy());
    inspector = client;
  });
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /** The object's bytes as the bucket has them, or null when there is no such object. */
  const bucketObject = async (objectKey: string): Promise<Buffer | null> => {
    try {
      const answer = await inspector.send(new GetObjectCommand({ Bucket: s3.bucket, Key: objectKey }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
      throw error;
    }
  };

  const alloyRequest = async (filename: string, body: string, mimeType = 'text/plain') => {
    const answer = await http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(TEST_USERS.alice.token),
      body: JSON.stringify({ filename, mimeType, md5: md5Hex(body) }),
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.json<{ presignedUrl: AlloyTicket }>().presignedUrl;
  };

  const alloyList = async () => {
    const answer = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.json<{ files: Array<{ s3Key: string; filename: string; size: number }> }>().files;
  };

  it('reports the s3 backend', () => {
    expect(remote.server.backend).toBe('s3');
  });

  it('Alloy: presigns to the bucket, reconciles the landed upload, dedupes, overwrites, deletes', async () => {
    const ticket = await alloyRequest('notes.txt', 'hello');
    expect(ticket.type).toBe('new');
    expect(ticket.md5).toBe(md5Base64('hello'));

    const url = new URL(ticket.presignedUrl);
    // The client uploads to the emulator, never through the reference server.
    expect(url.origin).toBe(s3.endpoint);
    expect(url.origin).not.toBe(remote.url);
    expect(decodeURIComponent(url.pathname)).toBe(`/${s3.bucket}/alloy/${ticket.s3Key}`);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    // s3rver checks neither signatures nor Content-MD5; real S3 does, so all a test can check is that
    // the URL binds both headers (a PUT with other bytes or another type would then be refused by S3).
    expect(signed).toEqual(expect.arrayContaining(['content-md5', 'content-type', 'host']));
    // No checksum trailer or algorithm a plain HTTP client would have to reproduce.
    expect([...url.searchParams.keys()].filter((name) => /checksum|sdk-checksum/i.test(name))).toEqual([]);

    // Nothing listed until the bytes land.
    expect(await alloyList()).toEqual([]);

    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body: 'hello',
    });
    expect(put.status, put.text).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${md5Hex('hello')}"`);
    expect(remote.server.requestCounts.get('object.put') ?? 0).toBe(0);
    expect((await bucketObject(`alloy/${ticket.s3Key}`))?.toString()).toBe('hello');

    // The list reconciles the pending upload with what landed in the bucket.
    expect(await alloyList()).toEqual([
      expect.objectContaining({ s3Key: ticket.s3Key, filename: 'notes.txt', size: 5 }),
    ]);

    const again = await alloyRequest('notes.txt', 'hello');
    expect(again.type).toBe('existing');

    const changed = await alloyRequest('notes.txt', 'hello, world');
    expect(changed.type).toBe('new');
    const overwrite = await http(changed.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': changed.md5 },
      body: 'hello, world',
    });
    expect(overwrite.status, overwrite.text).toBe(200);
    expect((await alloyList()).map((file) => file.size)).toEqual([12]);
    expect((await bucketObject(`alloy/${ticket.s3Key}`))?.toString()).toBe('hello, world');
    expect((await alloyRequest('notes.txt', 'hello, world')).type).toBe('existing');
    // The old content is no longer what the key holds.
    expect((await alloyRequest('notes.txt', 'hello')).type).toBe('new');

    const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(ticket.s3Key)}`, {
      method: 'DELETE',
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(removed.status, removed.text).toBe(200);
    expect(await bucketObject(`alloy/${ticket.s3Key}`)).toBeNull();
    expect(await alloyList()).toEqual([]);
  });

  it('Alloy: a repeated request before the PUT lands still answers new, and a HEAD-reconciled key dedupes', async () => {
    const first = await alloyRequest('report.csv', 'a,b\n1,2\n', 'text/csv');
    const second = await alloyRequest('report.csv', 'a,b\n1,2\n', 'text/csv');
    expect([first.type, second.type]).toEqual(['new', 'new']);
    const put = await http(second.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-md5': second.md5 },
      body: 'a,b\n1,2\n',
    });
    expect(put.status, put.text).toBe(200);
    // No list in between: the upload request itself reconciles the key with a HEAD.
    expect((await alloyRequest('report.csv', 'a,b\n1,2\n', 'text/csv')).type).toBe('existing');
    expect(await alloyList()).toEqual([expect.objectContaining({ filename: 'report.csv', size: 8 })]);
  });

  it('Alloy: bytes that land with another MD5 than requested are not listed', async () => {
    // s3rver does not check Content-MD5, so a wrong body lands; the server must not adopt it.
    const ticket = await alloyRequest('wrong.txt', 'expected');
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body: 'something else',
    });
    expect(put.status).toBe(200);
    expect(await alloyList()).toEqual([]);
    expect((await alloyRequest('wrong.txt', 'expected')).type).toBe('new');
  });

  it('Alloy: deleting an upload that landed but was never listed removes it from the bucket', async () => {
    // A sync client may upload and delete a file before anything lists it; the delete must still find it.
    const ticket = await alloyRequest('short-lived.txt', 'here and gone');
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body: 'here and gone',
    });
    expect(put.status, put.text).toBe(200);
    const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(ticket.s3Key)}`, {
      method: 'DELETE',
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(removed.status, removed.text).toBe(200);
    expect(await bucketObject(`alloy/${ticket.s3Key}`)).toBeNull();
    expect(await alloyList()).toEqual([]);
  });

  it('Alloy: reconciles uploads that span several pages of the bucket listing', async () => {
    // Pages of 3 keys, so 8 uploads take three: s3rver's continuation tokens fail on Node 17+ (DES),
    // and real S3 pages at 1000, which a test should not need to upload to see a second page.
    const paged = await startTestServer({ backend: { ...s3.backend, listPageSize: 3 } });
    cleanups.push(() => paged.close());
    const names = Array.from({ length: 8 }, (_, index) => `page-${index}.txt`);
    for (const name of names) {
      const answer = await http(`${paged.url}/connectors/files/upload/request`, {
        method: 'POST',
        headers: alloyHeaders(TEST_USERS.alice.token),
        body: JSON.stringify({ filename: name, mimeType: 'text/plain', md5: md5Hex(name) }),
      });
      expect(answer.status, answer.text).toBe(200);
      const ticket = answer.json<{ presignedUrl: AlloyTicket }>().presignedUrl;
      const put = await http(ticket.presignedUrl, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
        body: name,
      });
      expect(put.status, put.text).toBe(200);
    }
    const listed = await http(`${paged.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(listed.status, listed.text).toBe(200);
    const files = listed.json<{ files: Array<{ filename: string; size: number }> }>().files;
    expect(files.map((file) => file.filename).sort()).toEqual(names);
  });

  it('Alloy: a bucket that cannot be listed is a clean 5xx answer, not a cut connection', async () => {
    await alloyRequest('pending.txt', 'waiting for its PUT');
    // With an upload pending, the list must ask the bucket what landed; the bucket is gone.
    await s3.stop();
    const listed = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(listed.status).toBeGreaterThanOrEqual(500);
    expect(listed.json()).toHaveProperty('error');
  });

  it('Alloy: keys with spaces, plus signs and non-ASCII survive presigning and reconciliation', async () => {
    const name = 'Q3 report + notes (v2) é.txt';
    const ticket = await alloyRequest(name, 'quarterly');
    expect(ticket.s3Key.endsWith(`_${name.normalize('NFC')}`)).toBe(true);
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body: 'quarterly',
    });
    expect(put.status, put.text).toBe(200);
    expect((await bucketObject(`alloy/${ticket.s3Key}`))?.toString()).toBe('quarterly');
    expect(await alloyList()).toEqual([
      expect.objectContaining({ s3Key: ticket.s3Key, filename: name, size: 9 }),
    ]);
    expect((await alloyRequest(name, 'quarterly')).type).toBe('existing');
  });

  it('Composio: new, existing with a downloadable existing_url, update', async () => {
    const request = async (body: string) => {
      const answer = await http(`${remote.url}/api/v3/files/upload/request`, {
        method: 'POST',
        headers: composioHeaders(TEST_USERS.bob.token),
        body: JSON.stringify({
          toolkit_slug: 'gmail',
          tool_slug: 'GMAIL_SEND_EMAIL',
          filename: 'photo.png',
          mimetype: 'image/png',
          md5: md5Hex(body),
        }),
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.json<{
        id: string;
        key: string;
        type: string;
        new_presigned_url?: string;
        update_presigned_url?: string;
        existing_url?: string;
        metadata: { storage_backend: string };
      }>();
    };
    const list = async () => {
      const answer = await http(`${remote.url}/api/v3/files/list?toolkit_slug=gmail`, {
        headers: composioHeaders(TEST_USERS.bob.token),
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.json<{ items: Array<{ filename: string; md5: string; mimetype: string }> }>().items;
    };

    const bytes = 'PNG bytes, version 1';
    const first = await request(bytes);
    expect(first.type).toBe('new');
    expect(first.metadata).toEqual({ storage_backend: 's3' });
    const putUrl = new URL(first.new_presigned_url ?? '');
    expect(putUrl.origin).toBe(s3.endpoint);
    expect((putUrl.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';')).toEqual(
      expect.arrayContaining(['content-md5', 'content-type']),
    );
    const put = await http(putUrl.toString(), {
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'content-md5': md5Base64(bytes) },
      body: bytes,
    });
    expect(put.status, put.text).toBe(200);
    expect(await list()).toEqual([
      {
        toolkit_slug: 'gmail',
        tool_slug: 'GMAIL_SEND_EMAIL',
        filename: 'photo.png',
        mimetype: 'image/png',
        md5: md5Hex(bytes),
      },
    ]);

    const again = await request(bytes);
    expect(again.type).toBe('existing');
    expect(again.key).toBe(first.key);
    const existingUrl = new URL(again.existing_url ?? '');
    expect(existingUrl.origin).toBe(s3.endpoint);
    const download = await fetch(existingUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe(bytes);

    const newer = 'PNG bytes, version 2';
    const update = await request(newer);
    expect(update.type).toBe('update');
    const updated = await http(update.update_presigned_url ?? '', {
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'content-md5': md5Base64(newer) },
      body: newer,
    });
    expect(updated.status, updated.text).toBe(200);
    expect((await list()).map((item) => item.md5)).toEqual([md5Hex(newer)]);
    expect((await bucketObject(`composio/${first.key}`))?.toString()).toBe(newer);
  });

  it('Open WebUI: an upload is stored in the bucket and its content downloads byte for byte', async () => {
    const bytes = new Uint8Array(300_000);
    for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 31 + 7) % 256;
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'blob.bin');
    form.append('metadata', JSON.stringify({ file_hash: sha256Hex(bytes) }));
    const upload = await http(`${remote.url}/api/v1/files/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
      body: form,
    });
    expect(upload.status, upload.text).toBe(200);
    const file = upload.json<{ id: string; meta: { size: number; file_hash: string } }>();
    expect(file.meta).toMatchObject({ size: bytes.length, file_hash: sha256Hex(bytes) });

    const stored = await bucketObject(`owui/${file.id}`);
    expect(stored).not.toBeNull();
    expect(md5Hex(stored!)).toBe(md5Hex(bytes));
    const head = await inspector.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `owui/${file.id}` }));
    expect(head.ETag).toBe(`"${md5Hex(bytes)}"`);

    const content = await fetch(`${remote.url}/api/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-length')).toBe(String(bytes.length));
    expect(md5Hex(new Uint8Array(await content.arrayBuffer()))).toBe(md5Hex(bytes));

    const removed = await http(`${remote.url}/api/v1/files/${file.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    expect(removed.status, removed.text).toBe(200);
    expect(await bucketObject(`owui/${file.id}`)).toBeNull();
  });
});

/** A request on a fresh connection that is closed afterwards, so the test itself holds no socket. */
function oneShot(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(init.body);
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

describe('S3 backend: shutdown', () => {
  it('closes promptly and leaves no connection open to S3', async () => {
    const s3 = await startS3Emulator();
    let remote: TestServer | null = null;
    try {
      remote = await startTestServer({ backend: s3.backend });
      const auth = { authorization: `Bearer ${TEST_USERS.alice.token}` };
      // Exercise every S3 call the server makes: PutObject, GetObject, HEAD, ListObjectsV2, DeleteObject.
      const form = new FormData();
      form.append('file', new Blob(['owui bytes']), 'a.txt');
      const upload = await http(`${remote.url}/api/v1/files/`, { method: 'POST', headers: auth, body: form });
      expect(upload.status, upload.text).toBe(200);
      const id = upload.json<{ id: string }>().id;
      expect((await http(`${remote.url}/api/v1/files/${id}/content`, { headers: auth })).text).toBe(
        'owui bytes',
      );
      const ticketAnswer = await http(`${remote.url}/connectors/files/upload/request`, {
        method: 'POST',
        headers: alloyHeaders(TEST_USERS.alice.token),
        body: JSON.stringify({ filename: 'b.txt', mimeType: 'text/plain', md5: md5Hex('alloy bytes') }),
      });
      const ticket = ticketAnswer.json<{ presignedUrl: AlloyTicket }>().presignedUrl;
      const status = await oneShot(ticket.presignedUrl, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
        body: 'alloy bytes',
      });
      expect(status).toBe(200);
      const list = await http(`${remote.url}/connectors/files/list`, {
        headers: alloyHeaders(TEST_USERS.alice.token),
      });
      expect(list.json<{ files: unknown[] }>().files).toHaveLength(1);
      expect(
        (await http(`${remote.url}/api/v1/files/${id}`, { method: 'DELETE', headers: auth })).status,
      ).toBe(200);

      // The SDK keeps its connections alive between calls...
      expect(await s3.connections()).toBeGreaterThan(0);
      const started = performance.now();
      const closing = remote;
      remote = null;
      await closing.close();
      expect(performance.now() - started).toBeLessThan(2000);
      // ...and closing the server must close them (s3rver's own keep-alive timeout is 5 s).
      expect(await waitUntil(async () => (await s3.connections()) === 0, 2000)).toBe(true);
    } finally {
      await remote?.close();
      await s3.stop();
    }
  });
});
