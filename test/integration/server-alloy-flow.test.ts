import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { alloyHeaders, md5Hex } from '../support/alloy-requests.js';

describe('Alloy dialect: request, PUT, list, delete', () => {
  let remote: TestServer;
  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
  });

  const requestUpload = async (filename: string, body: string, prefix = '') =>
    http(`${remote.url}${prefix}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(TEST_USERS.alice.token),
      body: JSON.stringify({ filename, mimeType: 'text/plain', md5: md5Hex(body) }),
    });

  it('uploads through the presigned URL, lists, answers existing, overwrites and deletes', async () => {
    const first = await requestUpload('notes.txt', 'hello');
    expect(first.status).toBe(200);
    const ticket = first.json<{
      presignedUrl: { md5: string; presignedUrl: string; type: string; s3Key: string };
    }>().presignedUrl;
    expect(ticket.type).toBe('new');
    expect(ticket.s3Key).toMatch(/^[0-9a-f]{24}_notes\.txt$/);
    expect(ticket.md5).toBe(Buffer.from(md5Hex('hello'), 'hex').toString('base64'));

    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body: 'hello',
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${md5Hex('hello')}"`);

    const list = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(list.json()).toEqual({
      files: [{ s3Key: ticket.s3Key, filename: 'notes.txt', size: 5, lastModified: expect.any(String) }],
    });

    const again = await requestUpload('notes.txt', 'hello', '/2025-09');
    expect(again.json<{ presignedUrl: { type: string } }>().presignedUrl.type).toBe('existing');

    const changed = await requestUpload('notes.txt', 'hello, world');
    const changedTicket = changed.json<{
      presignedUrl: { md5: string; presignedUrl: string; type: string };
    }>().presignedUrl;
    expect(changedTicket.type).toBe('new');
    const overwrite = await http(changedTicket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': changedTicket.md5 },
      body: 'hello, world',
    });
    expect(overwrite.status).toBe(200);
    const listed = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(listed.json<{ files: Array<{ size: number }> }>().files.map((file) => file.size)).toEqual([12]);

    const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(ticket.s3Key)}`, {
      method: 'DELETE',
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(removed.status).toBe(200);
    expect(removed.json()).toMatchObject({ success: true });
    const empty = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(empty.json()).toEqual({ files: [] });
  });
});

interface Ticket {
  md5: string;
  presignedUrl: string;
  type: 'new' | 'existing';
  s3Key: string;
}

interface ListedFile {
  s3Key: string;
  filename: string;
  size: number;
  lastModified: string;
}

describe('Alloy dialect: both route forms, md5 formats, dedupe and overwrite', () => {
  let remote: TestServer;
  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
  });

  /** `prefix` is '' or '/2025-09'; `versionHeader: false` relies on the path prefix alone. */
  const api = (prefix = '', versionHeader = true) => {
    const headers = (): Record<string, string> => {
      const all = alloyHeaders(TEST_USERS.alice.token);
      if (!versionHeader) delete all['x-api-version'];
      return all;
    };
    return {
      request: async (filename: string, md5: string, mimeType = 'text/plain'): Promise<Ticket> => {
        const response = await http(`${remote.url}${prefix}/connectors/files/upload/request`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify({ filename, mimeType, md5 }),
        });
        expect(response.status, response.text).toBe(200);
        return response.json<{ presignedUrl: Ticket }>().presignedUrl;
      },
      list: async (): Promise<ListedFile[]> => {
        const response = await http(`${remote.url}${prefix}/connectors/files/list`, { headers: headers() });
        expect(response.status, response.text).toBe(200);
        return response.json<{ files: ListedFile[] }>().files;
      },
      remove: (s3Key: string) =>
        http(`${remote.url}${prefix}/connectors/files/${encodeURIComponent(s3Key)}`, {
          method: 'DELETE',
          headers: headers(),
        }),
    };
  };

  const put = (ticket: Ticket, body: string, mimeType = 'text/plain') =>
    http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': mimeType, 'content-md5': ticket.md5 },
      body,
    });

  for (const form of [
    { name: '/connectors/... with the x-api-version header', prefix: '', header: true },
    { name: '/2025-09/connectors/... with the header', prefix: '/2025-09', header: true },
    { name: '/2025-09/connectors/... without the header', prefix: '/2025-09', header: false },
  ]) {
    it(`runs request, PUT, list, existing and delete on ${form.name}`, async () => {
      const alloy = api(form.prefix, form.header);
      const ticket = await alloy.request('form.txt', md5Hex('route form'));
      expect(ticket.type).toBe('new');
      expect((await put(ticket, 'route form')).status).toBe(200);
      expect(await alloy.list()).toEqual([
        { s3Key: ticket.s3Key, filename: 'form.txt', size: 10, lastModified: expect.any(String) },
      ]);
      expect((await alloy.request('form.txt', md5Hex('route form'))).type).toBe('existing');
      const removed = await alloy.remove(ticket.s3Key);
      expect(removed.status).toBe(200);
      expect(removed.json()).toEqual({ success: true, message: expect.any(String) });
      expect(await alloy.list()).toEqual([]);
      // The delete really removed it: a second delete finds nothing.
      expect((await alloy.remove(ticket.s3Key)).status).toBe(404);
    });
  }

  it('accepts md5 as hex in any case and as base64, all naming the same digest', async () => {
    const alloy = api();
    const body = 'digest formats';
    const hex = md5Hex(body);
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    const mixed = Array.from(hex, (char, index) => (index % 2 === 0 ? char.toUpperCase() : char)).join('');
    expect(mixed).not.toBe(hex);
    expect(mixed.toLowerCase()).toBe(hex);

    const first = await alloy.request('formats.txt', hex.toUpperCase());
    expect(first).toMatchObject({ type: 'new', md5: base64 });
    expect((await put(first, body)).status).toBe(200);
    for (const md5 of [hex, hex.toUpperCase(), mixed, base64]) {
      const again = await alloy.request('formats.txt', md5);
      expect(again, md5).toMatchObject({ type: 'existing', md5: base64, s3Key: first.s3Key });
    }
    // A base64-requested upload is PUT with the same Content-MD5 and lands.
    const viaBase64 = await alloy.request(
      'base64.txt',
      createHash('md5').update('other bytes').digest('base64'),
    );
    expect(viaBase64.type).toBe('new');
    expect((await put(viaBase64, 'other bytes')).status).toBe(200);
    expect((await alloy.list()).map((file) => [file.filename, file.size])).toEqual([
      ['base64.txt', 11],
      ['formats.txt', 14],
    ]);
  });

  it('answers new for new content under the same name and the PUT replaces the bytes', async () => {
    const alloy = api();
    const v1 = await alloy.request('doc.txt', md5Hex('version one'));
    expect((await put(v1, 'version one')).status).toBe(200);
    const [before] = await alloy.list();
    expect(before).toMatchObject({ s3Key: v1.s3Key, size: 11 });

    const v2 = await alloy.request('doc.txt', md5Hex('version two, longer'));
    expect(v2).toMatchObject({ type: 'new', s3Key: v1.s3Key });
    expect(v2.md5).not.toBe(v1.md5);
    // Until the PUT lands, the stored version is still the old one.
    expect(await alloy.list()).toEqual([before]);
    expect((await put(v2, 'version two, longer')).status).toBe(200);
    const after = await alloy.list();
    expect(after).toEqual([expect.objectContaining({ s3Key: v1.s3Key, filename: 'doc.txt', size: 19 })]);
    expect(Date.parse(after[0]?.lastModified ?? '')).toBeGreaterThanOrEqual(
      Date.parse(before?.lastModified ?? ''),
    );

    // The blob on disk is the new version and the old one is gone.
    const keyHash = createHash('sha256').update(`alloy/${v1.s3Key}`).digest('hex');
    const blobDir = join(remote.dataDir, 'blobs', keyHash.slice(0, 2));
    expect(await readdir(blobDir)).toEqual([`${keyHash}.${md5Hex('version two, longer')}`]);
    expect(await readFile(join(blobDir, `${keyHash}.${md5Hex('version two, longer')}`), 'utf8')).toBe(
      'version two, longer',
    );

    // Dedupe now follows the new bytes: the new content is existing, the old one new again.
    expect((await alloy.request('doc.txt', md5Hex('version two, longer'))).type).toBe('existing');
    expect((await alloy.request('doc.txt', md5Hex('version one'))).type).toBe('new');
  });
});
