import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../electron/server/reference-server.js';
import { http, type ReadResponse } from '../support/http.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const headersOf = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'x-api-version': '2025-09',
  'content-type': 'application/json',
  ...extra,
});

const md5Hex = (body: string): string => createHash('md5').update(body).digest('hex');

describe('Alloy listing versions (ETag, If-None-Match → 304)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async (dataDir?: string): Promise<TestServer> => {
    const remote = await startTestServer(dataDir !== undefined ? { dataDir } : {});
    cleanups.push(() => remote.close());
    return remote;
  };

  const list = (remote: TestServer, token: string, ifNoneMatch?: string): Promise<ReadResponse> =>
    http(`${remote.url}/connectors/files/list`, {
      // fetch adds `Cache-Control: no-cache` to a request with If-None-Match unless it has one (the
      // Fetch standard's cache mode), and no-cache rightly forces a full answer: say max-age=0 instead.
      headers: headersOf(
        token,
        ifNoneMatch !== undefined ? { 'if-none-match': ifNoneMatch, 'cache-control': 'max-age=0' } : {},
      ),
    });

  const upload = async (
    remote: TestServer,
    token: string,
    filename: string,
    body: string,
  ): Promise<string> => {
    const ticket = (
      await http(`${remote.url}/connectors/files/upload/request`, {
        method: 'POST',
        headers: headersOf(token),
        body: JSON.stringify({ filename, mimeType: 'text/plain', md5: md5Hex(body) }),
      })
    ).json<{ presignedUrl: { md5: string; presignedUrl: string; s3Key: string } }>().presignedUrl;
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body,
    });
    expect(put.status, put.text).toBe(200);
    return ticket.s3Key;
  };

  const etagOf = (response: ReadResponse): string => {
    expect(response.status, response.text).toBe(200);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    return etag as string;
  };

  it('answers 304 with no body while nothing changed, and a new tag after each store and delete', async () => {
    const remote = await start();
    const token = TEST_USERS.alice.token;
    const empty = etagOf(await list(remote, token));

    const unchanged = await list(remote, token, empty);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('etag')).toBe(empty);

    const key = await upload(remote, token, 'a.txt', 'one');
    const stale = await list(remote, token, empty);
    const afterUpload = etagOf(stale);
    expect(afterUpload).not.toBe(empty);
    expect(stale.json<{ files: unknown[] }>().files).toHaveLength(1);
    expect((await list(remote, token, afterUpload)).status).toBe(304);

    // Replacing the bytes under the same key is a change too.
    await upload(remote, token, 'a.txt', 'two');
    const afterReplace = etagOf(await list(remote, token, afterUpload));
    expect(afterReplace).not.toBe(afterUpload);

    // A request for content the remote already has changes nothing.
    await http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: headersOf(token),
      body: JSON.stringify({ filename: 'a.txt', mimeType: 'text/plain', md5: md5Hex('two') }),
    });
    expect((await list(remote, token, afterReplace)).status).toBe(304);

    const removed = await http(`${remote.url}/connectors/files/${encodeURIComponent(key)}`, {
      method: 'DELETE',
      headers: headersOf(token),
    });
    expect(removed.status).toBe(200);
    const afterDelete = etagOf(await list(remote, token, afterReplace));
    expect(new Set([empty, afterUpload, afterReplace, afterDelete]).size).toBe(4);
  });

  it('gives each user their own tag, unmoved by the other user’s uploads', async () => {
    const remote = await start();
    const alice = etagOf(await list(remote, TEST_USERS.alice.token));
    const bob = etagOf(await list(remote, TEST_USERS.bob.token));
    // Both have no files at generation 0, and still their tags differ: Bob's tag is no use to Alice.
    expect(alice).not.toBe(bob);
    expect((await list(remote, TEST_USERS.alice.token, bob)).status).toBe(200);

    await upload(remote, TEST_USERS.bob.token, 'b.txt', 'bob');
    expect((await list(remote, TEST_USERS.alice.token, alice)).status).toBe(304);
    expect((await list(remote, TEST_USERS.bob.token, bob)).status).toBe(200);
  });

  it('keeps the tag across a restart on the same data dir, and never repeats it in a new data dir', async () => {
    const dirs = [await makeTempDir('hoist-listing-'), await makeTempDir('hoist-listing-')];
    cleanups.push(async () => {
      for (const dir of dirs) await dir.remove();
    });
    const tagIn = async (dataDir: string, withUpload: boolean): Promise<string> => {
      const server = await startReferenceServer({
        dataDir,
        users: [TEST_USERS.alice],
        fsync: false,
      });
      try {
        const remote = { server, url: server.url, dataDir, close: () => server.close() };
        if (withUpload) await upload(remote, TEST_USERS.alice.token, 'same.txt', 'same bytes');
        return etagOf(await list(remote, TEST_USERS.alice.token));
      } finally {
        await server.close();
      }
    };
    const [one, two] = dirs.map((dir) => dir.path) as [string, string];
    const first = await tagIn(one, true);
    expect(await tagIn(one, false)).toBe(first);
    // The same history in another data dir: same generation, different catalog.
    expect(await tagIn(two, true)).not.toBe(first);
  });

  it('lists in full for If-None-Match with another tag, a list of tags without it, or a weak match', async () => {
    const remote = await start();
    const token = TEST_USERS.alice.token;
    const tag = etagOf(await list(remote, token));
    expect((await list(remote, token, '"something-else"')).status).toBe(200);
    expect((await list(remote, token, `"older", ${tag}`)).status).toBe(304);
    expect((await list(remote, token, `W/${tag}`)).status).toBe(304);
    // No-cache from the client always gets the listing.
    const forced = await http(`${remote.url}/connectors/files/list`, {
      headers: headersOf(token, { 'if-none-match': tag, 'cache-control': 'no-cache' }),
    });
    expect(forced.status).toBe(200);
  });
});
