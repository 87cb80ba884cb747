import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../electron/server/reference-server.js';
import { http } from '../support/http.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS } from '../support/test-server.js';

const alloy = {
  authorization: `Bearer ${TEST_USERS.alice.token}`,
  'x-api-version': '2025-09',
  'content-type': 'application/json',
};
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

describe('starting on a data dir a crash (or another server) left behind', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async (dataDir: string): Promise<ReferenceServer> => {
    const server = await startReferenceServer({
      dataDir,
      users: [TEST_USERS.alice],
      fsync: false,
      sweepDelayMs: 0,
    });
    cleanups.push(() => server.close());
    return server;
  };

  it('removes what dead uploads and crashed commits left, keeps what a live server still uses', async () => {
    const temp = await makeTempDir();
    cleanups.push(() => temp.remove());
    const dataDir = temp.path;

    // A stored object, so there is a referenced blob to keep.
    const first = await start(dataDir);
    const ticket = await http(`${first.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloy,
      body: JSON.stringify({ filename: 'kept.txt', mimeType: 'text/plain', md5: md5('kept') }),
    });
    const { presignedUrl, md5: md5Base64 } = ticket.json<{
      presignedUrl: { presignedUrl: string; md5: string };
    }>().presignedUrl;
    await http(presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': md5Base64 },
      body: 'kept',
    });
    await first.close();
    cleanups.pop();

    // Another process that stays alive while the server starts: its upload in progress must survive.
    const other = spawn('sleep', ['30']);
    cleanups.push(() => void other.kill());
    const tmp = join(dataDir, 'tmp');
    await writeFile(join(tmp, `upload-${other.pid}-live.part`), 'in progress elsewhere');
    await writeFile(join(tmp, 'upload-999999999-dead.part'), 'abandoned');
    await mkdir(join(tmp, 'stray-directory'));
    const blobs = join(dataDir, 'blobs');
    await writeFile(join(blobs, 'stray-file'), 'not a blob');
    await mkdir(join(blobs, 'zz'), { recursive: true });
    const oldOrphan = join(blobs, 'zz', `${'a'.repeat(64)}.${md5('old')}`);
    const freshOrphan = join(blobs, 'zz', `${'b'.repeat(64)}.${md5('fresh')}`);
    await writeFile(oldOrphan, 'crashed between commit and cleanup');
    await writeFile(freshOrphan, 'another server between rename and commit');
    const anHourAgo = new Date(Date.now() - 3600_000);
    await utimes(oldOrphan, anHourAgo, anHourAgo);

    const server = await start(dataDir);
    expect((await readdir(tmp)).sort()).toEqual([`upload-${other.pid}-live.part`]);
    // Orphan blobs go in the background, soon after the start.
    expect(await server.swept()).toBe(1);
    expect((await readdir(join(blobs, 'zz'))).sort()).toEqual([`${'b'.repeat(64)}.${md5('fresh')}`]);
    expect(await readdir(blobs)).toContain('stray-file');
    const list = await http(`${server.url}/connectors/files/list`, { headers: alloy });
    expect(list.json<{ files: Array<{ filename: string; size: number }> }>().files).toEqual([
      expect.objectContaining({ filename: 'kept.txt', size: 4 }),
    ]);
  });
});

describe('listing many files', () => {
  it('streams an Alloy listing of 4,500 files page by page, every file once, in key order', async () => {
    const temp = await makeTempDir();
    try {
      // Rows written straight into the catalog: uploading 4,500 files would only make the test slow.
      const { Catalog } = await import('../../electron/server/storage/catalog.js');
      const { userIdFor } = await import('../../electron/server/users.js');
      const catalog = new Catalog(join(temp.path, 'catalog.db'), { durable: false });
      const uid = userIdFor(TEST_USERS.alice.name);
      const now = Date.now();
      catalog.transaction(() => {
        for (let index = 0; index < 4500; index++) {
          const filename = `file-${String(index).padStart(5, '0')}.txt`;
          catalog.upsert({
            ns: 'alloy',
            key: `${uid}_${filename}`,
            owner: TEST_USERS.alice.name,
            filename,
            size: index,
            md5: md5(filename),
            sha256: null,
            contentType: 'text/plain',
            createdAt: now,
            updatedAt: now,
            blob: `none/${index}`,
            meta: {},
          });
        }
      });
      catalog.close();
      const server = await startReferenceServer({
        dataDir: temp.path,
        users: [TEST_USERS.alice],
        fsync: false,
      });
      try {
        const list = await http(`${server.url}/connectors/files/list`, { headers: alloy });
        const files = list.json<{ files: Array<{ filename: string; size: number }> }>().files;
        expect(files).toHaveLength(4500);
        expect(files.map((file) => file.size)).toEqual(Array.from({ length: 4500 }, (_, index) => index));
      } finally {
        await server.close();
      }
    } finally {
      await temp.remove();
    }
  });
});
