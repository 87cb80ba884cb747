import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { md5Hex } from '../support/alloy-requests.js';

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

describe('Alloy dialect: each user sees and deletes only their own files', () => {
  let remote: TestServer;
  beforeEach(async () => {
    remote = await startTestServer();
  });
  afterEach(async () => {
    await remote.close();
  });

  const client = (token: string, prefix = '') => {
    const headers = {
      authorization: `Bearer ${token}`,
      'x-api-version': '2025-09',
      'content-type': 'application/json',
    };
    const request = async (filename: string, body: string): Promise<Ticket> => {
      const response = await http(`${remote.url}${prefix}/connectors/files/upload/request`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ filename, mimeType: 'text/plain', md5: md5Hex(body) }),
      });
      expect(response.status, response.text).toBe(200);
      return response.json<{ presignedUrl: Ticket }>().presignedUrl;
    };
    return {
      request,
      upload: async (filename: string, body: string): Promise<Ticket> => {
        const ticket = await request(filename, body);
        const put = await http(ticket.presignedUrl, {
          method: 'PUT',
          headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
          body,
        });
        expect(put.status, put.text).toBe(200);
        return ticket;
      },
      list: async (): Promise<ListedFile[]> => {
        const response = await http(`${remote.url}${prefix}/connectors/files/list`, { headers });
        expect(response.status, response.text).toBe(200);
        return response.json<{ files: ListedFile[] }>().files;
      },
      remove: (s3Key: string): Promise<ReadResponse> =>
        http(`${remote.url}${prefix}/connectors/files/${encodeURIComponent(s3Key)}`, {
          method: 'DELETE',
          headers,
        }),
    };
  };

  const idOf = (name: string): string => remote.server.users.find((user) => user.name === name)?.id ?? '';

  const blobContent = (s3Key: string, body: string): Promise<string> => {
    const keyHash = createHash('sha256').update(`alloy/${s3Key}`).digest('hex');
    return readFile(join(remote.dataDir, 'blobs', keyHash.slice(0, 2), `${keyHash}.${md5Hex(body)}`), 'utf8');
  };

  it('lists only the caller’s files, even under the same filename', async () => {
    const alice = client(TEST_USERS.alice.token);
    const bob = client(TEST_USERS.bob.token);
    expect(idOf('alice')).not.toBe(idOf('bob'));
    const aliceShared = await alice.upload('shared.txt', 'alice wrote this');
    await alice.upload('alice-only.txt', 'private to alice');
    expect(await bob.list()).toEqual([]);

    // Bob asking for the same name and the same bytes gets a key of his own, and `new`, not alice's `existing`.
    const bobTicket = await bob.request('shared.txt', 'alice wrote this');
    expect(bobTicket.type).toBe('new');
    expect(bobTicket.s3Key).toBe(`${idOf('bob')}_shared.txt`);
    expect(bobTicket.s3Key).not.toBe(aliceShared.s3Key);
    await bob.upload('shared.txt', 'bob wrote this one');

    const bobFiles = await bob.list();
    expect(bobFiles).toEqual([
      {
        s3Key: `${idOf('bob')}_shared.txt`,
        filename: 'shared.txt',
        size: 18,
        lastModified: expect.any(String),
      },
    ]);
    const aliceFiles = await alice.list();
    expect(aliceFiles.map((file) => [file.s3Key, file.size])).toEqual([
      [`${idOf('alice')}_alice-only.txt`, 16],
      [`${idOf('alice')}_shared.txt`, 16],
    ]);
    // The path-prefixed route form is scoped the same way.
    expect(await client(TEST_USERS.bob.token, '/2025-09').list()).toEqual(bobFiles);
  });

  it('refuses with 403 when bob deletes alice’s key, and her file survives', async () => {
    const alice = client(TEST_USERS.alice.token);
    const bob = client(TEST_USERS.bob.token);
    const ticket = await alice.upload('keep-me.txt', 'alice keeps this');
    const before = await alice.list();

    for (const attempt of [bob, client(TEST_USERS.bob.token, '/2025-09')]) {
      const response = await attempt.remove(ticket.s3Key);
      expect(response.status, response.text).toBe(403);
      expect(response.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
    }
    // Smuggling alice's key behind bob's prefix finds nothing of bob's and touches nothing of alice's.
    const smuggled = await bob.remove(`${idOf('bob')}_../${ticket.s3Key}`);
    expect(smuggled.status).toBe(404);

    expect(await alice.list()).toEqual(before);
    expect(await blobContent(ticket.s3Key, 'alice keeps this')).toBe('alice keeps this');
    expect((await alice.request('keep-me.txt', 'alice keeps this')).type).toBe('existing');

    // Alice herself can delete it.
    expect((await alice.remove(ticket.s3Key)).status).toBe(200);
    expect(await alice.list()).toEqual([]);
  });

  it('answers 404 for deleting one’s own key that does not exist', async () => {
    const bob = client(TEST_USERS.bob.token);
    const alice = client(TEST_USERS.alice.token);
    await alice.upload('nope.txt', 'alice has a nope.txt');
    const missing = await bob.remove(`${idOf('bob')}_nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('nope.txt') },
    });
    // A requested but never uploaded file does not exist either.
    const pending = await bob.request('pending.txt', 'never sent');
    expect((await bob.remove(pending.s3Key)).status).toBe(404);
    expect(await alice.list()).toEqual([expect.objectContaining({ filename: 'nope.txt' })]);
  });

  it('does not let bob’s deletes reach alice’s file of the same name', async () => {
    const alice = client(TEST_USERS.alice.token);
    const bob = client(TEST_USERS.bob.token);
    const aliceTicket = await alice.upload('same.txt', 'alice version');
    const bobTicket = await bob.upload('same.txt', 'bob version');
    expect((await bob.remove(bobTicket.s3Key)).status).toBe(200);
    expect(await bob.list()).toEqual([]);
    expect(await alice.list()).toEqual([expect.objectContaining({ s3Key: aliceTicket.s3Key, size: 13 })]);
    expect(await blobContent(aliceTicket.s3Key, 'alice version')).toBe('alice version');
  });
});
