import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const alloyHeaders = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'x-api-version': '2025-09',
  'content-type': 'application/json',
});

const md5Hex = (body: string): string => createHash('md5').update(body).digest('hex');

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
