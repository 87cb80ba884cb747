import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TICKET_BATCH } from '../../electron/base/ticket-batch.js';
import { http } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { alloyHeaders, md5Hex } from '../support/alloy-requests.js';

interface Ticket {
  md5: string;
  presignedUrl: string;
  type: 'new' | 'existing';
  s3Key: string;
  replaces: boolean;
}
type BatchItem = { presignedUrl: Ticket } | { error: { message: string; code: string } };

/**
 * The reference remote's batch of upload tickets (ours, docs/reference-remote.md §2): one request,
 * a ticket or a refusal per file in order, each exactly what `upload/request` answers for that file.
 */
describe('Alloy dialect: a batch of upload requests', () => {
  let remote: TestServer;
  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
  });

  const batch = (files: unknown, token: string = TEST_USERS.alice.token, prefix = '') =>
    http(`${remote.url}${prefix}/connectors/files/upload/requests`, {
      method: 'POST',
      headers: alloyHeaders(token),
      body: JSON.stringify({ files }),
    });
  const request = (filename: string, body: string) => ({
    filename,
    mimeType: 'text/plain',
    md5: md5Hex(body),
  });
  const put = (ticket: Ticket, body: string) =>
    http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body,
    });

  it('answers each file in order, a refused one in its place, and its tickets upload', async () => {
    const answer = await batch([
      request('a.txt', 'alpha'),
      { filename: 'b.txt', mimeType: 'text/plain', md5: 'not-an-md5' },
      request('c.txt', 'gamma'),
      'not an object',
    ]);
    expect(answer.status).toBe(200);
    const { tickets } = answer.json<{ tickets: BatchItem[] }>();
    expect(tickets).toHaveLength(4);
    const [a, b, c, d] = tickets as [BatchItem, BatchItem, BatchItem, BatchItem];
    expect(b).toEqual({ error: { message: expect.stringContaining('md5 must be'), code: 'INVALID_MD5' } });
    expect(d).toEqual({ error: { message: 'files[3] must be a JSON object', code: 'INVALID_JSON' } });
    if (!('presignedUrl' in a) || !('presignedUrl' in c)) throw new Error('a and c should have tickets');
    expect(a.presignedUrl).toMatchObject({ type: 'new', replaces: false });
    expect(a.presignedUrl.s3Key).toMatch(/^[0-9a-f]{24}_a\.txt$/);
    expect(c.presignedUrl.s3Key).toMatch(/_c\.txt$/);

    expect((await put(a.presignedUrl, 'alpha')).status).toBe(200);
    expect((await put(c.presignedUrl, 'gamma')).status).toBe(200);
    // A ticket signs its MD5: other bytes are refused, as with a single ticket.
    expect((await put(c.presignedUrl, 'other')).status).toBe(400);

    const again = await batch(
      [request('a.txt', 'alpha'), request('c.txt', 'changed')],
      undefined,
      '/2025-09',
    );
    const [sameA, changedC] = again.json<{ tickets: Array<{ presignedUrl: Ticket }> }>().tickets;
    expect(sameA?.presignedUrl).toMatchObject({ type: 'existing', replaces: true });
    expect(changedC?.presignedUrl).toMatchObject({ type: 'new', replaces: true });
  });

  it('gives the same ticket a single request gives', async () => {
    const single = await http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(TEST_USERS.alice.token),
      body: JSON.stringify(request('same.txt', 'same')),
    });
    const alone = single.json<{ presignedUrl: Ticket }>().presignedUrl;
    const [inBatch] = (await batch([request('same.txt', 'same')])).json<{
      tickets: Array<{ presignedUrl: Ticket }>;
    }>().tickets;
    expect({ ...inBatch?.presignedUrl, presignedUrl: '' }).toEqual({ ...alone, presignedUrl: '' });
  });

  it("keys each user's files under that user, whoever else asks in a batch", async () => {
    const alice = (await batch([request('shared.txt', 'x')])).json<{
      tickets: Array<{ presignedUrl: Ticket }>;
    }>().tickets;
    const bob = (await batch([request('shared.txt', 'x')], TEST_USERS.bob.token)).json<{
      tickets: Array<{ presignedUrl: Ticket }>;
    }>().tickets;
    expect(alice[0]?.presignedUrl.s3Key).not.toBe(bob[0]?.presignedUrl.s3Key);
  });

  it('refuses a request wrong as a whole, as the single route would', async () => {
    expect((await batch([request('a.txt', 'a')], 'no-such-token')).status).toBe(401);
    for (const files of [
      [],
      'a.txt',
      null,
      Array.from({ length: MAX_TICKET_BATCH + 1 }, (_, i) => request(`f${i}`, 'x')),
    ]) {
      const answer = await batch(files);
      expect(answer.status).toBe(400);
      expect(answer.json<{ error: { code: string } }>().error.code).toBe('INVALID_BATCH');
    }
    const notJson = await http(`${remote.url}/connectors/files/upload/requests`, {
      method: 'POST',
      headers: alloyHeaders(TEST_USERS.alice.token),
      body: '{"files": [',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json<{ error: { code: string } }>().error.code).toBe('INVALID_JSON');
    // A full batch is fine.
    const full = await batch(Array.from({ length: MAX_TICKET_BATCH }, (_, i) => request(`f${i}`, 'x')));
    expect(full.status).toBe(200);
    expect(full.json<{ tickets: unknown[] }>().tickets).toHaveLength(MAX_TICKET_BATCH);
  });

  it('says on its ticket and listing answers that it takes batches', async () => {
    const single = await http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(TEST_USERS.alice.token),
      body: JSON.stringify(request('a.txt', 'a')),
    });
    expect(single.headers.get('x-hoist-ticket-batch')).toBe(String(MAX_TICKET_BATCH));
    const list = await http(`${remote.url}/connectors/files/list`, {
      headers: alloyHeaders(TEST_USERS.alice.token),
    });
    expect(list.headers.get('x-hoist-ticket-batch')).toBe(String(MAX_TICKET_BATCH));
  });
});
