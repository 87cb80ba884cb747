import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

import { COMPOSIO_MAX_PAGE_SIZE, type ComposioApiVersion } from '../../electron/server/dialects/composio.js';

interface UploadFields {
  toolkit_slug: string;
  tool_slug: string;
  filename: string;
  mimetype: string;
  md5: string;
}

interface Ticket {
  id: string;
  key: string;
  type: 'new' | 'update' | 'existing';
  new_presigned_url?: string;
  newPresignedUrl?: string;
  update_presigned_url?: string;
  existing_url?: string;
  metadata: { storage_backend: string };
}

interface ListItem {
  toolkit_slug: string;
  tool_slug: string;
  filename: string;
  mimetype: string;
  md5: string;
}

interface ListPage {
  items: ListItem[];
  next_cursor: string | null;
  total_pages: number;
  current_page: number;
  total_items: number;
}

const md5Hex = (bytes: string | Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const md5Base64 = (bytes: string | Uint8Array): string => createHash('md5').update(bytes).digest('base64');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a Composio error answer: the status and the documented body shape. */
function expectComposioError(response: ReadResponse, status: number, slug?: string): { message: string } {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = response.json<{ error: Record<string, unknown> }>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({
    message: expect.any(String),
    code: expect.any(Number),
    slug: slug ?? expect.any(String),
    status,
    request_id: expect.stringMatching(/^[0-9a-f]{16}$/),
  });
  expect((body.error.message as string).length).toBeGreaterThan(0);
  return body.error as { message: string };
}

// Every test runs under both versions; where they differ (v3.1 answers `type: 'new'` every time and
// pages of at most 50), each version registers its own test.
describe.each(['v3', 'v3.1'] as const)('Composio dialect (%s)', (version: ComposioApiVersion) => {
  const LIST = `/api/${version}/files/list`;
  const REQUEST = `/api/${version}/files/upload/request`;
  const MAX_LIMIT = COMPOSIO_MAX_PAGE_SIZE[version];
  let remote: TestServer;
  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
  });

  const headers = (token: string, header = 'x-api-key'): Record<string, string> => ({
    [header]: token,
    'content-type': 'application/json',
  });

  const requestUpload = (fields: Partial<UploadFields>, token: string = TEST_USERS.alice.token) =>
    http(`${remote.url}${REQUEST}`, {
      method: 'POST',
      headers: headers(token),
      body: JSON.stringify(fields),
    });

  const list = (query = '', token: string = TEST_USERS.alice.token) =>
    http(`${remote.url}${LIST}${query === '' ? '' : `?${query}`}`, { headers: headers(token) });

  const listPage = async (query = '', token: string = TEST_USERS.alice.token): Promise<ListPage> => {
    const response = await list(query, token);
    expect(response.status, response.text).toBe(200);
    return response.json<ListPage>();
  };

  const put = (url: string, mimetype: string, body: string | Uint8Array) =>
    http(url, {
      method: 'PUT',
      headers: { 'content-type': mimetype, 'content-md5': md5Base64(body) },
      body,
    });

  /** Request + PUT, as the sync client does; returns the ticket of the request. */
  const upload = async (
    file: { toolkit: string; tool: string; filename: string; mimetype?: string; body: string },
    token: string = TEST_USERS.alice.token,
  ): Promise<Ticket> => {
    const mimetype = file.mimetype ?? 'text/plain';
    const response = await requestUpload(
      {
        toolkit_slug: file.toolkit,
        tool_slug: file.tool,
        filename: file.filename,
        mimetype,
        md5: md5Hex(file.body),
      },
      token,
    );
    expect(response.status, response.text).toBe(200);
    const ticket = response.json<Ticket>();
    const url = ticket.new_presigned_url ?? ticket.update_presigned_url;
    if (url !== undefined) {
      const stored = await put(url, mimetype, file.body);
      expect(stored.status, stored.text).toBe(200);
    }
    return ticket;
  };

  /** Runs `task` for 0..count-1, `width` at a time. */
  const inBatches = async (count: number, width: number, task: (index: number) => Promise<unknown>) => {
    for (let start = 0; start < count; start += width) {
      const batch: Promise<unknown>[] = [];
      for (let index = start; index < Math.min(count, start + width); index++) batch.push(task(index));
      await Promise.all(batch);
    }
  };

  /**
   * Follows next_cursor from the first page to the last, checking the page bookkeeping on the way. The
   * cursor carries only page and limit (API.md §2), so filters are sent again with every page.
   */
  const walkPages = async (limit: number, filters = '', token: string = TEST_USERS.alice.token) => {
    const pages: ListPage[] = [];
    const withFilters = (part: string) => (filters === '' ? part : `${filters}&${part}`);
    let query = withFilters(`limit=${limit}`);
    for (;;) {
      const page = await listPage(query, token);
      pages.push(page);
      expect(page.current_page).toBe(pages.length);
      if (page.next_cursor === null) break;
      expect(pages.length).toBeLessThan(page.total_pages);
      query = withFilters(`cursor=${encodeURIComponent(page.next_cursor)}`);
    }
    return pages;
  };

  describe('upload flow', () => {
    if (version === 'v3.1') {
      it('answers type new with both URL fields every time, whatever the key holds; the PUT overwrites', async () => {
        const fields = {
          toolkit_slug: 'kit',
          tool_slug: 'tool',
          filename: 'report.txt',
          mimetype: 'text/plain',
        };
        const first = (await requestUpload({ ...fields, md5: md5Hex('version one') })).json<Ticket>();
        expect(first).toEqual({
          id: expect.stringMatching(UUID),
          key: expect.stringMatching(/^[0-9a-f]{24}\/kit\/tool\/report\.txt$/),
          type: 'new',
          new_presigned_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
          newPresignedUrl: first.new_presigned_url,
          metadata: { storage_backend: 's3' },
        });
        // The official SDK's PUT: Content-Type only, no Content-MD5.
        const stored = await http(first.new_presigned_url as string, {
          method: 'PUT',
          headers: { 'content-type': 'text/plain' },
          body: 'version one',
        });
        expect(stored.status, stored.text).toBe(200);
        const same = (await requestUpload({ ...fields, md5: md5Hex('version one') })).json<Ticket>();
        expect(same).toMatchObject({ id: first.id, key: first.key, type: 'new' });
        const changed = (await requestUpload({ ...fields, md5: md5Hex('version two!') })).json<Ticket>();
        expect(changed).toMatchObject({ id: first.id, key: first.key, type: 'new' });
        expect((await listPage()).items.map((item) => item.md5)).toEqual([md5Hex('version one')]);
        expect((await put(changed.new_presigned_url as string, 'text/plain', 'version two!')).status).toBe(
          200,
        );
        expect(await listPage()).toMatchObject({
          items: [{ ...fields, md5: md5Hex('version two!') }],
          total_items: 1,
        });
      });
    }

    if (version === 'v3')
      it('answers new, then existing with a download URL, then update; the PUT overwrites', async () => {
        const fields = {
          toolkit_slug: 'file-converter',
          tool_slug: 'convert-to-pdf',
          filename: 'report.txt',
          mimetype: 'text/plain',
        };
        const first = await requestUpload({ ...fields, md5: md5Hex('version one') });
        expect(first.status).toBe(200);
        const created = first.json<Ticket>();
        expect(created).toEqual({
          id: expect.stringMatching(UUID),
          key: expect.stringMatching(/^[0-9a-f]{24}\/file-converter\/convert-to-pdf\/report\.txt$/),
          type: 'new',
          new_presigned_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
          metadata: { storage_backend: 's3' },
        });

        // Nothing is listed until the bytes land.
        expect((await listPage()).items).toEqual([]);

        const stored = await put(created.new_presigned_url as string, 'text/plain', 'version one');
        expect(stored.status).toBe(200);
        expect(stored.headers.get('etag')).toBe(`"${md5Hex('version one')}"`);

        expect(await listPage()).toEqual({
          items: [{ ...fields, md5: md5Hex('version one') }],
          next_cursor: null,
          total_pages: 1,
          current_page: 1,
          total_items: 1,
        });

        const again = await requestUpload({ ...fields, md5: md5Hex('version one') });
        expect(again.status).toBe(200);
        const existing = again.json<Ticket>();
        expect(existing).toEqual({
          id: created.id,
          key: created.key,
          type: 'existing',
          existing_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
          metadata: { storage_backend: 's3' },
        });
        const download = await http(existing.existing_url as string);
        expect(download.status).toBe(200);
        expect(download.text).toBe('version one');
        expect(download.headers.get('content-type')).toBe('text/plain');

        // Upper-case hex is the same MD5.
        const upper = await requestUpload({ ...fields, md5: md5Hex('version one').toUpperCase() });
        expect(upper.json<Ticket>().type).toBe('existing');

        const changed = await requestUpload({ ...fields, md5: md5Hex('version two!') });
        expect(changed.status).toBe(200);
        const update = changed.json<Ticket>();
        expect(update).toEqual({
          id: created.id,
          key: created.key,
          type: 'update',
          update_presigned_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
          metadata: { storage_backend: 's3' },
        });
        // Until the PUT lands, the old version is what is listed.
        expect((await listPage()).items.map((item) => item.md5)).toEqual([md5Hex('version one')]);

        const overwrite = await put(update.update_presigned_url as string, 'text/plain', 'version two!');
        expect(overwrite.status).toBe(200);
        const after = await listPage();
        expect(after.items).toEqual([{ ...fields, md5: md5Hex('version two!') }]);
        expect(after.total_items).toBe(1);

        const latest = await requestUpload({ ...fields, md5: md5Hex('version two!') });
        const latestTicket = latest.json<Ticket>();
        expect(latestTicket.type).toBe('existing');
        expect((await http(latestTicket.existing_url as string)).text).toBe('version two!');

        // The old content is no longer "existing": asking for it again is an update.
        const back = await requestUpload({ ...fields, md5: md5Hex('version one') });
        expect(back.json<Ticket>().type).toBe('update');
      });

    it('keeps the mimetype, binary bytes, and a stable id per key that differs between keys', async () => {
      const bytes = new Uint8Array(Array.from({ length: 256 }, (_, index) => index));
      const fields = {
        toolkit_slug: 'gmail',
        tool_slug: 'send_email',
        filename: 'blob.bin',
        mimetype: 'application/octet-stream',
        md5: md5Hex(bytes),
      };
      const created = (await requestUpload(fields)).json<Ticket>();
      expect(created.type).toBe('new');
      expect((await put(created.new_presigned_url as string, fields.mimetype, bytes)).status).toBe(200);
      const existing = (await requestUpload(fields)).json<Ticket>();
      expect(existing.type).toBe(version === 'v3' ? 'existing' : 'new');
      expect(existing.id).toBe(created.id);
      if (version === 'v3') {
        const download = await fetch(existing.existing_url as string);
        expect(download.status).toBe(200);
        expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
      }
      expect((await listPage()).items).toEqual([
        {
          toolkit_slug: 'gmail',
          tool_slug: 'send_email',
          filename: 'blob.bin',
          mimetype: fields.mimetype,
          md5: fields.md5,
        },
      ]);

      // Same filename under another tool, another toolkit, or another name: other keys, other ids.
      const otherTool = (await requestUpload({ ...fields, tool_slug: 'draft_email' })).json<Ticket>();
      const otherToolkit = (await requestUpload({ ...fields, toolkit_slug: 'slack' })).json<Ticket>();
      const otherName = (await requestUpload({ ...fields, filename: 'blob2.bin' })).json<Ticket>();
      for (const ticket of [otherTool, otherToolkit, otherName]) {
        expect(ticket.type).toBe('new');
        expect(ticket.id).toMatch(UUID);
      }
      const ids = new Set([created.id, otherTool.id, otherToolkit.id, otherName.id]);
      const keys = new Set([created.key, otherTool.key, otherToolkit.key, otherName.key]);
      expect(ids.size).toBe(4);
      expect(keys.size).toBe(4);
      // Asking again for a key not yet uploaded still gives the same id.
      expect((await requestUpload({ ...fields, filename: 'blob2.bin' })).json<Ticket>().id).toBe(
        otherName.id,
      );
    });

    it('sanitizes the filename into the key, and its URLs survive awkward characters', async () => {
      const body = 'awkward';
      const fields = {
        toolkit_slug: 'kit',
        tool_slug: 'tool',
        filename: 'some/dir/50% off: #1?.txt',
        mimetype: 'text/plain; charset=utf-8',
        md5: md5Hex(body),
      };
      const created = (await requestUpload(fields)).json<Ticket>();
      expect(created.type).toBe('new');
      expect(created.key).toMatch(/\/kit\/tool\/50% off_ #1_\.txt$/);
      const stored = await put(created.new_presigned_url as string, fields.mimetype, body);
      expect(stored.status, stored.text).toBe(200);
      expect((await listPage()).items).toEqual([
        {
          toolkit_slug: 'kit',
          tool_slug: 'tool',
          filename: '50% off_ #1_.txt',
          mimetype: fields.mimetype,
          md5: md5Hex(body),
        },
      ]);
      const again = version === 'v3' ? 'existing' : 'new';
      const existing = (await requestUpload(fields)).json<Ticket>();
      expect(existing).toMatchObject({ type: again, id: created.id, key: created.key });
      if (version === 'v3') {
        const download = await http(existing.existing_url as string);
        expect(download.status).toBe(200);
        expect(download.text).toBe(body);
      }
      // The sanitized name is the same key.
      const direct = (await requestUpload({ ...fields, filename: '50% off_ #1_.txt' })).json<Ticket>();
      expect(direct).toMatchObject({ type: again, id: created.id, key: created.key });
    });

    it('accepts the x-user-api-key header as well as x-api-key', async () => {
      const fields = {
        toolkit_slug: 'drive',
        tool_slug: 'upload',
        filename: 'a.txt',
        mimetype: 'text/plain',
        md5: md5Hex('a'),
      };
      const response = await http(`${remote.url}${REQUEST}`, {
        method: 'POST',
        headers: headers(TEST_USERS.alice.token, 'x-user-api-key'),
        body: JSON.stringify(fields),
      });
      expect(response.status).toBe(200);
      const ticket = response.json<Ticket>();
      expect(ticket.type).toBe('new');
      expect((await put(ticket.new_presigned_url as string, 'text/plain', 'a')).status).toBe(200);
      const listed = await http(`${remote.url}${LIST}`, {
        headers: { 'x-user-api-key': TEST_USERS.alice.token },
      });
      expect(listed.status).toBe(200);
      expect(listed.json<ListPage>().items).toEqual([
        {
          toolkit_slug: 'drive',
          tool_slug: 'upload',
          filename: 'a.txt',
          mimetype: 'text/plain',
          md5: md5Hex('a'),
        },
      ]);
    });

    it('refuses a PUT whose bytes do not match the requested MD5 and keeps nothing', async () => {
      const ticket = (
        await requestUpload({
          toolkit_slug: 'drive',
          tool_slug: 'upload',
          filename: 'a.txt',
          mimetype: 'text/plain',
          md5: md5Hex('expected'),
        })
      ).json<Ticket>();
      const wrong = await http(ticket.new_presigned_url as string, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-md5': md5Base64('expected') },
        body: 'something else',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('<Code>BadDigest</Code>');
      expect(await listPage()).toMatchObject({ items: [], total_items: 0 });
    });
  });

  describe('presigned PUT', () => {
    it('takes Content-MD5 when sent and does not require it; the body must be what the ticket announced', async () => {
      const fields = { toolkit_slug: 'kit', tool_slug: 'tool', filename: 'a.txt', mimetype: 'text/plain' };
      const ticket = (await requestUpload({ ...fields, md5: md5Hex('announced') })).json<Ticket>();
      const url = (ticket.new_presigned_url ?? ticket.update_presigned_url) as string;
      const putWith = (body: string, extra: Record<string, string>) =>
        http(url, { method: 'PUT', headers: { 'content-type': 'text/plain', ...extra }, body });
      // No header, other bytes: refused, as with the header.
      const noHeader = await putWith('other bytes', {});
      expect(noHeader.status).toBe(400);
      expect(noHeader.text).toContain('<Code>BadDigest</Code>');
      // A header that is not an MD5; one that is, but not the announced one (even with matching bytes).
      expect((await putWith('announced', { 'content-md5': 'nope' })).text).toContain(
        '<Code>InvalidDigest</Code>',
      );
      const otherMd5 = await putWith('other bytes', { 'content-md5': md5Base64('other bytes') });
      expect(otherMd5.status).toBe(400);
      expect(otherMd5.text).toContain('<Code>BadDigest</Code>');
      // The header alone does not open the URL to other content types: they stay signed.
      expect(
        (await http(url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: 'announced' }))
          .status,
      ).toBe(403);
      expect((await listPage()).total_items).toBe(0);
      // The announced bytes with the header, and again without it: both stored under the announced MD5.
      expect((await putWith('announced', { 'content-md5': md5Base64('announced') })).status).toBe(200);
      expect((await putWith('announced', {})).status).toBe(200);
      expect((await listPage()).items).toEqual([{ ...fields, md5: md5Hex('announced') }]);
    });
  });

  describe('Azure-style upload URLs', () => {
    it('names azure_blob_storage (server option or fault plan) and refuses a PUT without x-ms-blob-type: BlockBlob', async () => {
      const fields = { toolkit_slug: 'kit', tool_slug: 'tool', filename: 'blob.txt', mimetype: 'text/plain' };
      const s3Ticket = (await requestUpload({ ...fields, md5: md5Hex('blob') })).json<Ticket>();
      expect(s3Ticket.metadata).toEqual({ storage_backend: 's3' });
      remote.server.faults.set({ seed: 1, routes: {}, composioStorageBackend: 'azure_blob_storage' });
      const ticket = (await requestUpload({ ...fields, md5: md5Hex('blob') })).json<Ticket>();
      expect(ticket.metadata).toEqual({ storage_backend: 'azure_blob_storage' });
      const url = new URL(ticket.new_presigned_url as string);
      expect(url.pathname).toMatch(/^\/azure-blob\/composio\//);
      expect([...url.searchParams.keys()]).toEqual(['sv', 'sr', 'sp', 'se', 'X-Hoist-MD5', 'sig']);
      const putWith = (body: string, extra: Record<string, string>, target = url.toString()) =>
        http(target, { method: 'PUT', headers: { 'content-type': 'text/plain', ...extra }, body });
      const azureCode = (response: ReadResponse) => response.headers.get('x-ms-error-code');

      const missing = await putWith('blob', {});
      expect([missing.status, azureCode(missing)]).toEqual([400, 'MissingRequiredHeader']);
      expect(missing.text).toContain('<HeaderName>x-ms-blob-type</HeaderName>');
      const pageBlob = await putWith('blob', { 'x-ms-blob-type': 'PageBlob' });
      expect([pageBlob.status, azureCode(pageBlob)]).toEqual([400, 'InvalidHeaderValue']);
      const block = { 'x-ms-blob-type': 'BlockBlob' };
      const wrongBody = await putWith('not the blob', block);
      expect([wrongBody.status, azureCode(wrongBody)]).toEqual([400, 'Md5Mismatch']);
      const wrongMd5 = await putWith('blob', { ...block, 'content-md5': md5Base64('other') });
      expect([wrongMd5.status, azureCode(wrongMd5)]).toEqual([400, 'Md5Mismatch']);
      const tampered = new URL(url);
      tampered.searchParams.set('se', '2099-01-01T00:00:00Z');
      const forged = await putWith('blob', block, tampered.toString());
      expect([forged.status, azureCode(forged)]).toEqual([403, 'AuthenticationFailed']);
      expect((await listPage()).total_items).toBe(0);

      const stored = await putWith('blob', { ...block, 'content-md5': md5Base64('blob') });
      expect(stored.status, stored.text).toBe(201);
      expect(stored.headers.get('content-md5')).toBe(md5Base64('blob'));
      expect((await listPage()).items).toEqual([{ ...fields, md5: md5Hex('blob') }]);

      // The plan's choice goes with the plan; the server option makes it for good.
      remote.server.faults.set(null);
      expect(
        (await requestUpload({ ...fields, md5: md5Hex('x') })).json<Ticket>().metadata.storage_backend,
      ).toBe('s3');
      const azureServer = await startTestServer({ composioStorageBackend: 'azure_blob_storage' });
      try {
        const answer = await http(`${azureServer.url}${REQUEST}`, {
          method: 'POST',
          headers: headers(TEST_USERS.alice.token),
          body: JSON.stringify({ ...fields, md5: md5Hex('x') }),
        });
        expect(answer.json<Ticket>().metadata.storage_backend).toBe('azure_blob_storage');
      } finally {
        await azureServer.close();
      }
    });
  });

  describe('cursor pagination', () => {
    it('walks 7 files in pages of 3 with correct bookkeeping', async () => {
      const names = Array.from({ length: 7 }, (_, index) => `file-${index}.txt`);
      await inBatches(names.length, 7, (index) =>
        upload({ toolkit: 'kit', tool: 'tool', filename: names[index] as string, body: `body ${index}` }),
      );

      const pages = await walkPages(3);
      expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
      for (const [index, page] of pages.entries()) {
        expect(page.total_items).toBe(7);
        expect(page.total_pages).toBe(3);
        expect(page.current_page).toBe(index + 1);
        expect(page.next_cursor === null).toBe(index === 2);
      }
      const seen = pages.flatMap((page) => page.items.map((item) => item.filename));
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(names);
      for (const item of pages.flatMap((page) => page.items)) {
        const index = Number(/file-(\d)/.exec(item.filename)?.[1]);
        expect(item.md5).toBe(md5Hex(`body ${index}`));
      }

      // The cursor is base64 of the page and the limit.
      const second = pages[0]?.next_cursor as string;
      expect(JSON.parse(Buffer.from(second, 'base64').toString('utf8'))).toEqual({ page: 2, limit: 3 });

      // The last page can be asked for directly; the one after it does not exist.
      const cursorFor = (page: number) =>
        encodeURIComponent(Buffer.from(JSON.stringify({ page, limit: 3 })).toString('base64'));
      expect((await listPage(`cursor=${cursorFor(3)}`)).items).toHaveLength(1);
      expectComposioError(await list(`cursor=${cursorFor(4)}`), 400, 'Request_InvalidCursor');

      // Without a limit, everything fits on the default page.
      expect(await listPage()).toMatchObject({
        next_cursor: null,
        total_pages: 1,
        current_page: 1,
        total_items: 7,
      });
      // A limit equal to the count: exactly one page, no next cursor.
      expect(await listPage('limit=7')).toMatchObject({ next_cursor: null, total_pages: 1, total_items: 7 });
      expect((await listPage('limit=6')).next_cursor).not.toBeNull();
    });

    it(`walks ${MAX_LIMIT + 1} files in pages of ${MAX_LIMIT}, the largest limit`, async () => {
      const count = MAX_LIMIT + 1;
      await inBatches(count, 50, (index) =>
        upload({
          toolkit: 'bulk',
          tool: 'load',
          filename: `item-${String(index).padStart(4, '0')}.txt`,
          body: `payload ${index}`,
        }),
      );
      const pages = await walkPages(MAX_LIMIT);
      expect(pages.map((page) => page.items.length)).toEqual([MAX_LIMIT, 1]);
      expect(pages.map((page) => [page.current_page, page.total_pages, page.total_items])).toEqual([
        [1, 2, count],
        [2, 2, count],
      ]);
      expect(pages[1]?.next_cursor).toBeNull();
      const seen = pages.flatMap((page) => page.items.map((item) => item.filename));
      expect(new Set(seen).size).toBe(count);
      const expected = Array.from(
        { length: count },
        (_, index) => `item-${String(index).padStart(4, '0')}.txt`,
      );
      expect([...seen].sort()).toEqual(expected);
    }, 60_000);

    it('rejects bad limits and cursors with the Composio error body', async () => {
      await upload({ toolkit: 'kit', tool: 'tool', filename: 'one.txt', body: 'one' });
      for (const limit of [
        String(MAX_LIMIT + 1),
        '0',
        '-1',
        '2.5',
        'ten',
        '1e400',
        '1e2',
        '0x10',
        '%203',
        '99999999',
      ]) {
        const response = await list(`limit=${limit}`);
        const error = expectComposioError(response, 400, 'Request_InvalidLimit');
        expect(error.message).toMatch(/limit/);
      }
      expect((await list(`limit=${MAX_LIMIT}`)).status).toBe(200);
      expect((await list('limit=1')).status).toBe(200);

      const cursor = (value: unknown) =>
        encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64'));
      const badCursors = [
        'garbage!!',
        encodeURIComponent(Buffer.from('not json').toString('base64')),
        cursor({ page: 0, limit: 3 }),
        cursor({ page: -1, limit: 3 }),
        cursor({ page: 1.5, limit: 3 }),
        cursor({ page: '2', limit: 3 }),
        cursor({ limit: 3 }),
        cursor({ page: 2 }),
        cursor({ page: 2, limit: 0 }),
        cursor({ page: 2, limit: MAX_LIMIT + 1 }),
        cursor(null),
        cursor(7),
        // One file: page 2 of a limit of 1 does not exist.
        cursor({ page: 2, limit: 1 }),
      ];
      for (const bad of badCursors) {
        const response = await list(`cursor=${bad}`);
        expectComposioError(response, 400, 'Request_InvalidCursor');
      }
      // A well-formed cursor is accepted.
      const first = await list(`cursor=${cursor({ page: 1, limit: 3 })}`);
      expect(first.status).toBe(200);
      expect(first.json<ListPage>()).toMatchObject({ current_page: 1, total_pages: 1, total_items: 1 });
    });
  });

  describe('filters', () => {
    it('filters by toolkit_slug, by tool_slug, and by both', async () => {
      const files = [
        { toolkit: 'gmail', tool: 'send', filename: 'a.txt' },
        { toolkit: 'gmail', tool: 'draft', filename: 'b.txt' },
        { toolkit: 'slack', tool: 'send', filename: 'c.txt' },
        { toolkit: 'slack', tool: 'post', filename: 'd.txt' },
        // A toolkit whose slug starts with another's must not leak into its filter.
        { toolkit: 'gmail.v2', tool: 'send', filename: 'e.txt' },
      ];
      await inBatches(files.length, files.length, (index) => {
        const file = files[index] as (typeof files)[number];
        return upload({ ...file, body: file.filename });
      });
      const names = async (query: string) => {
        const page = await listPage(query);
        expect(page.total_items).toBe(page.items.length);
        return page.items.map((item) => item.filename).sort();
      };
      expect(await names('')).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);
      expect(await names('toolkit_slug=gmail')).toEqual(['a.txt', 'b.txt']);
      expect(await names('toolkit_slug=slack')).toEqual(['c.txt', 'd.txt']);
      expect(await names('tool_slug=send')).toEqual(['a.txt', 'c.txt', 'e.txt']);
      expect(await names('toolkit_slug=gmail&tool_slug=send')).toEqual(['a.txt']);
      expect(await names('toolkit_slug=slack&tool_slug=draft')).toEqual([]);
      expect(await names('toolkit_slug=nothing')).toEqual([]);
      expect(await names('toolkit_slug=')).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);

      const filtered = await listPage('tool_slug=send');
      expect(filtered.items.every((item) => item.tool_slug === 'send')).toBe(true);

      // Filters and paging together: totals count the filtered set.
      const pages = await walkPages(2, 'tool_slug=send');
      expect(pages.map((page) => [page.items.length, page.total_items, page.total_pages])).toEqual([
        [2, 3, 2],
        [1, 3, 2],
      ]);

      expectComposioError(await list('toolkit_slug=bad%20slug'), 400, 'Request_InvalidSlug');
      expectComposioError(await list('tool_slug=..%2Fescape'), 400, 'Request_InvalidSlug');
    });
  });

  describe('rejections', () => {
    const valid: UploadFields = {
      toolkit_slug: 'kit',
      tool_slug: 'tool',
      filename: 'x.txt',
      mimetype: 'text/plain',
      md5: md5Hex('x'),
    };

    it('answers 401 in the Composio shape for a missing or wrong key', async () => {
      const noKey = await http(`${remote.url}${LIST}`);
      expectComposioError(noKey, 401);
      const wrongKey = await http(`${remote.url}${LIST}`, { headers: { 'x-api-key': 'not-a-real-key' } });
      expectComposioError(wrongKey, 401);
      const bearer = await http(`${remote.url}${LIST}`, {
        headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
      });
      expectComposioError(bearer, 401);
      const request = await http(`${remote.url}${REQUEST}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(valid),
      });
      expectComposioError(request, 401);
      const wrongRequest = await http(`${remote.url}${REQUEST}`, {
        method: 'POST',
        headers: headers('wrong-key-12345'),
        body: JSON.stringify(valid),
      });
      expectComposioError(wrongRequest, 401);
      // Nothing was recorded for anyone.
      expect((await listPage()).total_items).toBe(0);
    });

    it('rejects malformed JSON and bodies that are not objects', async () => {
      for (const body of ['{"toolkit_slug": ', '', '[1,2]', 'null', '"text"']) {
        const response = await http(`${remote.url}${REQUEST}`, {
          method: 'POST',
          headers: headers(TEST_USERS.alice.token),
          body,
        });
        expectComposioError(response, 400, 'INVALID_JSON');
      }
    });

    it('names every missing or mistyped field', async () => {
      const missing = await requestUpload({ toolkit_slug: 'kit', filename: 'x.txt', mimetype: 'text/plain' });
      const error = expectComposioError(missing, 400, 'MISSING_FIELDS');
      expect(error.message).toMatch(/tool_slug/);
      expect(error.message).toMatch(/md5/);
      expect(error.message).not.toMatch(/toolkit_slug|filename|mimetype/);

      const empty = expectComposioError(await requestUpload({}), 400, 'MISSING_FIELDS');
      for (const name of ['toolkit_slug', 'tool_slug', 'filename', 'mimetype', 'md5']) {
        expect(empty.message).toContain(name);
      }
      const blank = expectComposioError(
        await requestUpload({ ...valid, filename: '' }),
        400,
        'MISSING_FIELDS',
      );
      expect(blank.message).toMatch(/filename/);

      const mistyped = await http(`${remote.url}${REQUEST}`, {
        method: 'POST',
        headers: headers(TEST_USERS.alice.token),
        body: JSON.stringify({ ...valid, md5: 12345, tool_slug: ['a'] }),
      });
      const typed = expectComposioError(mistyped, 400, 'MISSING_FIELDS');
      expect(typed.message).toMatch(/md5/);
      expect(typed.message).toMatch(/tool_slug/);
    });

    it('accepts only a hex MD5, not base64', async () => {
      const base64 = await requestUpload({ ...valid, md5: md5Base64('x') });
      expect(expectComposioError(base64, 400, 'File_InvalidMd5').message).toMatch(/md5/);
      for (const md5 of [
        md5Hex('x').slice(0, 31),
        `${md5Hex('x')}0`,
        'z'.repeat(32),
        `${md5Hex('x').slice(0, 31)}g`,
      ]) {
        expectComposioError(await requestUpload({ ...valid, md5 }), 400, 'File_InvalidMd5');
      }
      expect((await requestUpload(valid)).status).toBe(200);
    });

    it('rejects bad slugs, mimetypes and filenames', async () => {
      for (const slug of ['has space', '../up', 'a/b', '-leading', 'x'.repeat(129), 'ünïcode']) {
        const toolkit = await requestUpload({ ...valid, toolkit_slug: slug });
        expect(expectComposioError(toolkit, 400, 'Request_InvalidSlug').message).toMatch(/toolkit_slug/);
        const tool = await requestUpload({ ...valid, tool_slug: slug });
        expect(expectComposioError(tool, 400, 'Request_InvalidSlug').message).toMatch(/tool_slug/);
      }
      expect((await requestUpload({ ...valid, toolkit_slug: 'x'.repeat(128) })).status).toBe(200);
      for (const mimetype of ['text', 'text/plain\r\nx-evil: 1', '/plain']) {
        expectComposioError(await requestUpload({ ...valid, mimetype }), 400, 'File_InvalidMimetype');
      }
      expectComposioError(
        await requestUpload({ ...valid, filename: '\u0001\u0002' }),
        400,
        'File_InvalidFilename',
      );
      // Nothing of the above was stored.
      expect((await listPage()).total_items).toBe(0);
    });

    it('has no delete endpoint: DELETE on a file is not a route, and the file stays', async () => {
      const ticket = await upload({ toolkit: 'kit', tool: 'tool', filename: 'keep.txt', body: 'keep' });
      const paths = [
        `/api/${version}/files/${ticket.id}`,
        `/api/${version}/files/${encodeURIComponent(ticket.key)}`,
        `/api/${version}/files/${ticket.key}`,
      ];
      for (const path of paths) {
        const response = await http(`${remote.url}${path}`, {
          method: 'DELETE',
          headers: headers(TEST_USERS.alice.token),
        });
        expect([404, 405]).toContain(response.status);
        expectComposioError(response, response.status);
      }
      const onList = await http(`${remote.url}${LIST}`, {
        method: 'DELETE',
        headers: headers(TEST_USERS.alice.token),
      });
      expectComposioError(onList, 405);
      const postList = await http(`${remote.url}${LIST}`, {
        method: 'POST',
        headers: headers(TEST_USERS.alice.token),
      });
      expectComposioError(postList, 405);
      const getFile = await http(`${remote.url}/api/${version}/files/${ticket.id}`, {
        headers: headers(TEST_USERS.alice.token),
      });
      expectComposioError(getFile, 404);
      expect((await listPage()).items.map((item) => item.filename)).toEqual(['keep.txt']);
      const stillThere = (
        await requestUpload({
          toolkit_slug: 'kit',
          tool_slug: 'tool',
          filename: 'keep.txt',
          mimetype: 'text/plain',
          md5: md5Hex('keep'),
        })
      ).json<Ticket>();
      expect(stillThere.type).toBe(version === 'v3' ? 'existing' : 'new');
    });
  });

  describe('isolation', () => {
    it("never shows alice's files to bob, and keeps their keys apart", async () => {
      const alice = await upload({
        toolkit: 'kit',
        tool: 'tool',
        filename: 'secret.txt',
        body: 'alice data',
      });
      await upload({ toolkit: 'other', tool: 'tool', filename: 'second.txt', body: 'more alice data' });

      const bobToken = TEST_USERS.bob.token;
      expect(await listPage('', bobToken)).toEqual({
        items: [],
        next_cursor: null,
        total_pages: 0,
        current_page: 1,
        total_items: 0,
      });
      expect((await listPage('toolkit_slug=kit', bobToken)).items).toEqual([]);
      expect((await listPage('tool_slug=tool', bobToken)).items).toEqual([]);
      expect((await listPage('toolkit_slug=kit&tool_slug=tool&limit=1', bobToken)).total_items).toBe(0);

      // Same name and bytes: for bob it is new, under his own key and id.
      const bobTicket = await upload(
        { toolkit: 'kit', tool: 'tool', filename: 'secret.txt', body: 'alice data' },
        bobToken,
      );
      expect(bobTicket.type).toBe('new');
      expect(bobTicket.key).not.toBe(alice.key);
      expect(bobTicket.id).not.toBe(alice.id);
      expect((await listPage('', bobToken)).items.map((item) => item.filename)).toEqual(['secret.txt']);
      expect((await listPage()).items.map((item) => item.filename).sort()).toEqual([
        'second.txt',
        'secret.txt',
      ]);
      // Bob overwriting "his" secret.txt leaves alice's untouched.
      await upload({ toolkit: 'kit', tool: 'tool', filename: 'secret.txt', body: 'bob data' }, bobToken);
      const aliceItems = (await listPage('toolkit_slug=kit')).items;
      expect(aliceItems.map((item) => item.md5)).toEqual([md5Hex('alice data')]);
      // The admin of the other dialects has no special view here: only its own files.
      expect((await listPage('', TEST_USERS.admin.token)).total_items).toBe(0);
    });
  });
});
