import { createHash } from 'node:crypto';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { FsBlobStore } from '../../electron/server/storage/fs-blob-store.js';
import { http, s3ErrorCode } from '../support/http.js';
import { MultipartHttp, bytes, cut, md5Base64, md5Hex } from '../support/multipart-http.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Small parts keep the files small: the server's minimum part size is an option (S3's 5 MiB by default).
const MIN_PART = 1024;

interface Backend {
  /** A reference server on this backend; `dataDir` to start one again on the same data. */
  start(overrides?: Partial<ReferenceServerOptions>): Promise<TestServer>;
  /** The bytes stored for an Alloy key, or null. */
  stored(server: TestServer, key: string, md5: string): Promise<Buffer | null>;
  /** Part PUTs the store received. */
  partPuts(server: TestServer): number;
  /** What is left of multipart uploads in the store: open uploads (S3) or part files (fs). */
  leftovers(server: TestServer): Promise<string[]>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const fsBackend: Backend = {
  async start(overrides = {}) {
    const server = await startTestServer({ multipartMinPartBytes: MIN_PART, ...overrides });
    cleanups.push(() => server.close());
    return server;
  },
  async stored(server, key, md5) {
    // A multipart object is its directory of parts, read back through the fs store itself.
    const keyHash = createHash('sha256').update(`alloy/${key}`).digest('hex');
    const blob = `${keyHash.slice(0, 2)}/${keyHash}.${md5}.parts`;
    const exists = await stat(join(server.dataDir, 'blobs', blob)).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!exists) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of await new FsBlobStore(join(server.dataDir, 'blobs'), false).read(blob)) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  },
  partPuts: (server) => server.server.requestCounts.get('object.put-part') ?? 0,
  async leftovers(server) {
    return [
      ...(await filesUnder(join(server.dataDir, 'multipart'))),
      ...(await filesUnder(join(server.dataDir, 'tmp'))),
    ];
  },
};

function s3Backend(): Backend {
  let emulator: S3Emulator | null = null;
  let inspector: S3Client | null = null;
  const s3 = async (): Promise<S3Emulator> => {
    if (emulator === null) {
      const started = await startS3Emulator();
      cleanups.unshift(() => started.stop());
      emulator = started;
      cleanups.push(() => {
        emulator = null;
        inspector = null;
      });
    }
    return emulator;
  };
  return {
    async start(overrides = {}) {
      const server = await startTestServer({
        backend: (await s3()).backend,
        multipartMinPartBytes: MIN_PART,
        ...overrides,
      });
      cleanups.push(() => server.close());
      return server;
    },
    async stored(_server, key) {
      const { endpoint, bucket, backend } = await s3();
      if (inspector === null) {
        const client = new S3Client({
          endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: backend.credentials,
        });
        cleanups.push(() => client.destroy());
        inspector = client;
      }
      try {
        const answer = await inspector.send(new GetObjectCommand({ Bucket: bucket, Key: `alloy/${key}` }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      } catch (error) {
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
        throw error;
      }
    },
    partPuts: () => emulator?.multipart.partPuts ?? 0,
    leftovers: async () => (await s3()).openMultipartUploads(),
  };
}

const BACKENDS: Array<[string, () => Backend]> = [
  ['fs', () => fsBackend],
  ['s3 (s3rver)', s3Backend],
];

describe.each(BACKENDS)('multipart uploads, %s backend', (_name, makeBackend) => {
  const alice = (server: TestServer): MultipartHttp => new MultipartHttp(server.url, TEST_USERS.alice.token);

  it('parts in parallel, listed, completed in order: the object appears whole and only then', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(2 * MIN_PART + 500);
    const upload = await client.createNew('video.mov', body, MIN_PART);
    expect(upload).toMatchObject({
      type: 'new',
      s3Key: expect.stringMatching(/_video\.mov$/),
      md5: md5Base64(body),
      size: body.length,
      partSize: MIN_PART,
      partCount: 3,
      minPartSize: MIN_PART,
      maxParts: 10_000,
      replaces: false,
    });
    expect(upload.uploadId).toMatch(/^[0-9a-f]{32}$/);

    const parts = cut(body, MIN_PART);
    const etags = await client.uploadAll(upload, parts);
    expect(etags.map((part) => part.etag)).toEqual(parts.map((part) => `"${md5Hex(part)}"`));
    expect(backend.partPuts(server)).toBe(3);

    const listing = await client.listed(upload.uploadId);
    expect(listing).toMatchObject({ uploadId: upload.uploadId, size: body.length, partCount: 3 });
    expect(listing.parts).toEqual(
      parts.map((part, index) => ({ partNumber: index + 1, etag: `"${md5Hex(part)}"`, size: part.length })),
    );
    // Every part stored, nothing listed: no partial object, ever.
    expect(await client.fileList()).toEqual([]);
    expect(await backend.stored(server, upload.s3Key, md5Hex(body))).toBeNull();

    const done = await client.complete(upload.uploadId, etags);
    expect(done.status, done.text).toBe(200);
    expect(done.json()).toMatchObject({
      s3Key: upload.s3Key,
      filename: 'video.mov',
      md5: md5Base64(body),
      size: body.length,
    });
    expect(await client.fileList()).toEqual([
      expect.objectContaining({ s3Key: upload.s3Key, size: body.length }),
    ]);
    expect(await backend.stored(server, upload.s3Key, md5Hex(body))).toEqual(body);
    // The upload is gone with its parts.
    expect((await client.list(upload.uploadId)).status).toBe(404);
    expect(await backend.leftovers(server)).toEqual([]);
  });

  it('dedupe still holds: a create for content the user already has answers existing', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(MIN_PART + 10, 2);
    const upload = await client.createNew('same.bin', body, MIN_PART);
    expect(
      (await client.complete(upload.uploadId, await client.uploadAll(upload, cut(body, MIN_PART)))).status,
    ).toBe(200);

    const again = await client.create('same.bin', body, { partSize: MIN_PART });
    expect(again.status, again.text).toBe(200);
    expect(again.json()).toEqual({
      type: 'existing',
      s3Key: upload.s3Key,
      md5: md5Base64(body),
      size: body.length,
      replaces: true,
    });
    expect(await backend.leftovers(server)).toEqual([]);

    // Other content under the same name is a new upload that will replace it.
    const changed = await client.create('same.bin', bytes(MIN_PART + 10, 3), { partSize: MIN_PART });
    expect(changed.json()).toMatchObject({ type: 'new', replaces: true });
  });

  it('a create of content already being uploaded hands back the same upload, parts and all', async () => {
    const server = await makeBackend().start();
    const client = alice(server);
    const body = bytes(2 * MIN_PART, 4);
    const first = await client.createNew('resume.bin', body, MIN_PART);
    const [url] = await client.partUrls(first.uploadId, cut(body, MIN_PART), [1]);
    expect((await client.putPart(url!, cut(body, MIN_PART)[0]!)).status).toBe(200);
    const second = await client.createNew('resume.bin', body, MIN_PART);
    expect(second.uploadId).toBe(first.uploadId);
    expect((await client.listed(second.uploadId)).parts.map((part) => part.partNumber)).toEqual([1]);
  });

  it('a corrupted part is refused by its MD5 and the part stored before it is kept', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(2 * MIN_PART, 5);
    const parts = cut(body, MIN_PART);
    const upload = await client.createNew('corrupt.bin', body, MIN_PART);
    const [url1, url2] = await client.partUrls(upload.uploadId, parts);

    const corrupted = Buffer.from(parts[1]!);
    corrupted[100] = (corrupted[100]! + 1) % 256;
    const refused = await client.putPart(url2!, corrupted);
    expect(refused.status).toBe(400);
    expect(s3ErrorCode(refused.text)).toBe('BadDigest');
    expect((await client.listed(upload.uploadId)).parts).toEqual([]);

    expect((await client.putPart(url1!, parts[0]!)).status).toBe(200);
    // A corrupted re-send of a stored part does not damage it.
    const corruptedFirst = Buffer.from(parts[0]!);
    corruptedFirst[0] = (corruptedFirst[0]! + 1) % 256;
    expect((await client.putPart(url1!, corruptedFirst)).status).toBe(400);
    expect((await client.listed(upload.uploadId)).parts).toEqual([
      { partNumber: 1, etag: `"${md5Hex(parts[0]!)}"`, size: MIN_PART },
    ]);

    expect((await client.putPart(url2!, parts[1]!)).status).toBe(200);
    const done = await client.complete(upload.uploadId, [
      { partNumber: 1, etag: `"${md5Hex(parts[0]!)}"` },
      { partNumber: 2, etag: `"${md5Hex(parts[1]!)}"` },
    ]);
    expect(done.status, done.text).toBe(200);
    expect(await backend.stored(server, upload.s3Key, md5Hex(body))).toEqual(body);
  });

  it('complete with a wrong ETag, out of order, a part missing or a short part is refused, and the upload stays', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(3 * MIN_PART, 6);
    const parts = cut(body, MIN_PART);
    const upload = await client.createNew('order.bin', body, MIN_PART);
    const etags = await client.uploadAll(upload, parts);

    const refusals: Array<[Array<{ partNumber: number; etag: string }>, string]> = [
      [[etags[0]!, { partNumber: 2, etag: `"${md5Hex('other')}"` }, etags[2]!], 'INVALID_PART'],
      [[etags[1]!, etags[0]!, etags[2]!], 'INVALID_PART_ORDER'],
      [[etags[0]!, etags[0]!, etags[1]!, etags[2]!], 'INVALID_PART_ORDER'],
      [[etags[0]!, etags[2]!], 'INVALID_PART'],
      [[...etags, { partNumber: 4, etag: etags[0]!.etag }], 'INVALID_PART_NUMBER'],
    ];
    for (const [claimed, code] of refusals) {
      const answer = await client.complete(upload.uploadId, claimed);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.json<{ error: { code: string } }>().error.code).toBe(code);
    }
    expect(await client.fileList()).toEqual([]);

    // A part shorter than the minimum (S3's EntityTooSmall) is stored but cannot complete the upload.
    const [url2] = await client.partUrls(upload.uploadId, [parts[0]!, parts[1]!.subarray(0, 100)], [2]);
    expect((await client.putPart(url2!, parts[1]!.subarray(0, 100))).status).toBe(200);
    const tooSmall = await client.complete(upload.uploadId, [
      etags[0]!,
      { partNumber: 2, etag: md5Hex(parts[1]!.subarray(0, 100)) },
      etags[2]!,
    ]);
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.json<{ error: { code: string } }>().error.code).toBe('ENTITY_TOO_SMALL');

    // Re-sent, the right parts complete it.
    const [again] = await client.partUrls(upload.uploadId, parts, [2]);
    expect((await client.putPart(again!, parts[1]!)).status).toBe(200);
    const done = await client.complete(
      upload.uploadId,
      etags.map((part) => ({ ...part, etag: part.etag.replace(/"/g, '') })),
    );
    expect(done.status, done.text).toBe(200);
    expect(await backend.stored(server, upload.s3Key, md5Hex(body))).toEqual(body);
  });

  it('abort leaves nothing: no parts, no upload, no object, and its part URLs are refused', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(2 * MIN_PART + 1, 7);
    const parts = cut(body, MIN_PART);
    const upload = await client.createNew('gone.bin', body, MIN_PART);
    const urls = await client.partUrls(upload.uploadId, parts);
    expect((await client.putPart(urls[0]!, parts[0]!)).status).toBe(200);
    expect((await client.putPart(urls[1]!, parts[1]!)).status).toBe(200);

    const aborted = await client.abort(upload.uploadId);
    expect(aborted.status, aborted.text).toBe(200);
    expect(aborted.json()).toEqual({ success: true, message: `Multipart upload ${upload.uploadId} aborted` });
    expect(await backend.leftovers(server)).toEqual([]);
    expect(await client.fileList()).toEqual([]);
    for (const answer of [
      await client.list(upload.uploadId),
      await client.abort(upload.uploadId),
      await client.complete(upload.uploadId, [{ partNumber: 1, etag: 'x' }]),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.json<{ error: { code: string } }>().error.code).toBe('NO_SUCH_UPLOAD');
    }
    const late = await client.putPart(urls[2]!, parts[2]!);
    expect(late.status).toBe(404);
    expect(s3ErrorCode(late.text)).toBe('NoSuchUpload');
    expect(await backend.leftovers(server)).toEqual([]);
  });

  it('the 10,000-part rule and the part size limits', async () => {
    const server = await makeBackend().start({ multipartMinPartBytes: 1 });
    const client = alice(server);
    const create = (size: number, partSize?: number) =>
      client.post('/create', {
        filename: 'big.bin',
        mimeType: 'application/octet-stream',
        md5: md5Hex('whatever'),
        size,
        ...(partSize !== undefined ? { partSize } : {}),
      });
    const code = async (answer: Promise<Awaited<ReturnType<typeof create>>>) => {
      const read = await answer;
      expect(read.status, read.text).toBe(400);
      return read.json<{ error: { code: string; message: string } }>().error;
    };

    const tooMany = await code(create(10_001, 1));
    expect(tooMany.code).toBe('TOO_MANY_PARTS');
    expect(tooMany.message).toContain('at most 10000');
    const exactly = await create(10_000, 1);
    expect(exactly.status, exactly.text).toBe(200);
    expect(exactly.json()).toMatchObject({ partCount: 10_000, partSize: 1 });
    // Without a part size the server picks one that stays within 10,000 parts.
    expect((await create(25_000)).json()).toMatchObject({ partSize: 3, partCount: 8334 });
    // S3's own limits: parts up to 5 GiB, objects up to 5 TiB.
    expect((await code(create(10, 5 * 1024 ** 3 + 1))).code).toBe('INVALID_PART_SIZE');
    expect((await code(create(5 * 1024 ** 4 + 1))).code).toBe('ENTITY_TOO_LARGE');
    expect((await code(create(0))).code).toBe('INVALID_SIZE');

    const upload = exactly.json<{ uploadId: string }>();
    const beyond = await client.post(`/${upload.uploadId}/part-urls`, {
      parts: [{ partNumber: 10_001, md5: md5Hex('a') }],
    });
    expect(beyond.status).toBe(400);
    expect(beyond.json<{ error: { code: string } }>().error.code).toBe('INVALID_PART_NUMBER');
    const last = await client.post(`/${upload.uploadId}/part-urls`, {
      parts: [{ partNumber: 10_000, md5: md5Hex('a') }],
    });
    expect(last.status, last.text).toBe(200);
  });

  it('the minimum part size is the server option (S3 5 MiB by default)', async () => {
    const server = await makeBackend().start({ multipartMinPartBytes: undefined });
    const client = alice(server);
    const refused = await client.create('small.bin', bytes(100), { partSize: 5 * 1024 ** 2 - 1 });
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('INVALID_PART_SIZE');
    const created = await client.create('small.bin', bytes(100));
    expect(created.json()).toMatchObject({
      type: 'new',
      partSize: 5 * 1024 ** 2,
      partCount: 1,
      minPartSize: 5 * 1024 ** 2,
    });
  });

  it('lists parts after a server restart and completes there', async () => {
    const backend = makeBackend();
    const data = await makeTempDir('hoist-multipart-restart-');
    cleanups.unshift(() => data.remove());
    const first = await backend.start({ dataDir: data.path });
    const body = bytes(3 * MIN_PART - 7, 8);
    const parts = cut(body, MIN_PART);
    const upload = await alice(first).createNew('restart.bin', body, MIN_PART);
    const urls = await alice(first).partUrls(upload.uploadId, parts);
    expect((await alice(first).putPart(urls[0]!, parts[0]!)).status).toBe(200);
    expect((await alice(first).putPart(urls[1]!, parts[1]!)).status).toBe(200);
    await first.close();

    const second = await backend.start({ dataDir: data.path });
    const client = alice(second);
    const listing = await client.listed(upload.uploadId);
    expect(listing.parts.map((part) => [part.partNumber, part.etag])).toEqual([
      [1, `"${md5Hex(parts[0]!)}"`],
      [2, `"${md5Hex(parts[1]!)}"`],
    ]);
    // Only the missing part is sent again.
    const before = backend.partPuts(second);
    const [url3] = await client.partUrls(upload.uploadId, parts, [3]);
    expect((await client.putPart(url3!, parts[2]!)).status).toBe(200);
    expect(backend.partPuts(second) - before).toBe(1);
    const done = await client.complete(
      upload.uploadId,
      parts.map((part, index) => ({ partNumber: index + 1, etag: `"${md5Hex(part)}"` })),
    );
    expect(done.status, done.text).toBe(200);
    expect(await backend.stored(second, upload.s3Key, md5Hex(body))).toEqual(body);
  });

  it('abandoned uploads are aborted after the expiry time (a server option), parts and all', async () => {
    const backend = makeBackend();
    let clock = Date.now();
    const server = await backend.start({ multipartExpirySeconds: 600, now: () => clock });
    const client = alice(server);
    const body = bytes(2 * MIN_PART, 9);
    const parts = cut(body, MIN_PART);
    const abandoned = await client.createNew('abandoned.bin', body, MIN_PART);
    const [url] = await client.partUrls(abandoned.uploadId, parts, [1]);
    expect((await client.putPart(url!, parts[0]!)).status).toBe(200);
    const keptBody = bytes(2 * MIN_PART, 10);
    const kept = await client.createNew('kept.bin', keptBody, MIN_PART);
    const [keptUrl] = await client.partUrls(kept.uploadId, cut(keptBody, MIN_PART), [1]);
    expect((await client.putPart(keptUrl!, cut(keptBody, MIN_PART)[0]!)).status).toBe(200);
    // Two uploads open in the store: part files (fs) or S3 uploads.
    expect(await backend.leftovers(server)).toHaveLength(2);

    clock += 500_000;
    // Touched: its clock starts again.
    expect((await client.list(kept.uploadId)).status).toBe(200);
    clock += 200_000;
    // Any multipart request runs the due sweep.
    expect((await client.list(kept.uploadId)).status).toBe(200);
    const gone = await client.list(abandoned.uploadId);
    expect(gone.status).toBe(404);
    expect(await client.fileList()).toEqual([]);
    // Only the kept upload is left in the store, its part intact.
    expect(await backend.leftovers(server)).toHaveLength(1);
    expect((await client.listed(kept.uploadId)).parts).toHaveLength(1);
  });

  it('two completes at once: one completes, the other finds the upload gone; a part arriving after is refused', async () => {
    const backend = makeBackend();
    const server = await backend.start();
    const client = alice(server);
    const body = bytes(2 * MIN_PART, 16);
    const parts = cut(body, MIN_PART);
    const upload = await client.createNew('race.bin', body, MIN_PART);
    const etags = await client.uploadAll(upload, parts);
    const [late] = await client.partUrls(upload.uploadId, parts, [1]);
    const answers = await Promise.all([
      client.complete(upload.uploadId, etags),
      client.complete(upload.uploadId, etags),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
    expect((await client.putPart(late!, parts[0]!)).status).toBe(404);
    expect(await backend.stored(server, upload.s3Key, md5Hex(body))).toEqual(body);
    expect(await client.fileList()).toEqual([
      expect.objectContaining({ s3Key: upload.s3Key, size: body.length }),
    ]);
  });

  it('an upload is its owner’s alone', async () => {
    const server = await makeBackend().start();
    const body = bytes(MIN_PART, 11);
    const upload = await alice(server).createNew('mine.bin', body, MIN_PART);
    const bob = new MultipartHttp(server.url, TEST_USERS.bob.token);
    for (const answer of [
      await bob.list(upload.uploadId),
      await bob.post(`/${upload.uploadId}/part-urls`, { parts: [{ partNumber: 1, md5: md5Hex(body) }] }),
      await bob.abort(upload.uploadId),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.json<{ error: { code: string } }>().error.code).toBe('NO_SUCH_UPLOAD');
    }
    const unauthenticated = await http(`${server.url}/connectors/files/multipart/${upload.uploadId}`, {
      headers: { 'x-api-version': '2025-09' },
    });
    expect(unauthenticated.status).toBe(401);
    expect((await alice(server).listed(upload.uploadId)).uploadId).toBe(upload.uploadId);
  });
});

describe('multipart objects on the fs backend', () => {
  it('are their parts, renamed into the blob store (no copy); deleting or replacing one removes it', async () => {
    const server = await fsBackend.start();
    const client = new MultipartHttp(server.url, TEST_USERS.alice.token);
    const blobFiles = () => filesUnder(join(server.dataDir, 'blobs'));
    const body = bytes(2 * MIN_PART + 3, 15);
    const upload = await client.createNew('big.bin', body, MIN_PART);
    const etags = await client.uploadAll(upload, cut(body, MIN_PART));
    const partFiles = (await fsBackend.leftovers(server)).filter((path) => path.includes('/multipart/'));
    const inodes = await Promise.all(partFiles.map(async (path) => (await stat(path)).ino));
    expect((await client.complete(upload.uploadId, etags)).status).toBe(200);
    const blobs = await blobFiles();
    expect(blobs).toHaveLength(3);
    expect(blobs.every((path) => path.includes(`.${md5Hex(body)}.parts/`))).toBe(true);
    // The same files (inodes), not copies.
    expect((await Promise.all(blobs.map(async (path) => (await stat(path)).ino))).sort()).toEqual(
      inodes.sort(),
    );

    // Replaced by a single upload: the directory goes.
    const small = 'small now';
    const ticket = await http(`${server.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}`, 'x-api-version': '2025-09' },
      body: JSON.stringify({ filename: 'big.bin', mimeType: 'text/plain', md5: md5Hex(small) }),
    });
    const { presignedUrl } = ticket.json<{ presignedUrl: { presignedUrl: string; md5: string } }>();
    const put = await http(presignedUrl.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': presignedUrl.md5 },
      body: small,
    });
    expect(put.status, put.text).toBe(200);
    expect(await blobFiles()).toEqual([expect.stringMatching(new RegExp(`\\.${md5Hex(small)}$`))]);

    // A multipart version again, then deleted: nothing left.
    const again = await client.createNew('big.bin', body, MIN_PART);
    expect(
      (await client.complete(again.uploadId, await client.uploadAll(again, cut(body, MIN_PART)))).status,
    ).toBe(200);
    expect(await blobFiles()).toHaveLength(3);
    const deleted = await http(`${server.url}/connectors/files/${encodeURIComponent(again.s3Key)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}`, 'x-api-version': '2025-09' },
    });
    expect(deleted.status, deleted.text).toBe(200);
    expect(await blobFiles()).toEqual([]);
    expect(
      await readdir(
        join(
          server.dataDir,
          'blobs',
          `${createHash('sha256').update(`alloy/${again.s3Key}`).digest('hex').slice(0, 2)}`,
        ),
      ),
    ).toEqual([]);
  });
});

describe('multipart blobs and the orphan sweep', () => {
  it('removes a directory of parts no catalog row names (a crash between rename and commit), not a recent one', async () => {
    const data = await makeTempDir('hoist-multipart-sweep-');
    cleanups.unshift(() => data.remove());
    const orphan = join(data.path, 'blobs', 'ab', `ab${'0'.repeat(62)}.${md5Hex('x')}.parts`);
    const recent = join(data.path, 'blobs', 'ab', `ab${'1'.repeat(62)}.${md5Hex('y')}.parts`);
    for (const directory of [orphan, recent]) {
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, `1.${md5Hex('x')}`), 'x');
    }
    const old = new Date(Date.now() - 3600_000);
    await utimes(orphan, old, old);
    const server = await fsBackend.start({ dataDir: data.path, sweepDelayMs: 0 });
    expect(await server.server.swept()).toBe(1);
    await expect(stat(orphan)).rejects.toThrow();
    expect((await stat(recent)).isDirectory()).toBe(true);
  });
});

describe('multipart part URLs on the fs backend', () => {
  it('expire, and asking again renews them', async () => {
    let clock = Date.now();
    const server = await fsBackend.start({ urlTtlSeconds: 60, now: () => clock });
    const client = new MultipartHttp(server.url, TEST_USERS.alice.token);
    const body = bytes(MIN_PART, 12);
    const upload = await client.createNew('late.bin', body, MIN_PART);
    const [old] = await client.partUrls(upload.uploadId, [body]);
    clock += 61_000;
    const expired = await client.putPart(old!, body);
    expect(expired.status).toBe(403);
    expect(s3ErrorCode(expired.text)).toBe('AccessDenied');
    expect(expired.text).toContain('Request has expired');

    const [fresh] = await client.partUrls(upload.uploadId, [body]);
    expect(fresh!.url).not.toBe(old!.url);
    expect(Date.parse(fresh!.expiresAt)).toBe(Math.floor(clock / 1000) * 1000 + 60_000);
    expect((await client.putPart(fresh!, body)).status).toBe(200);
  });

  it('take the fault plan under the route name object.put-part', async () => {
    const server = await fsBackend.start({
      faults: { seed: 1, routes: { 'object.put-part': { expireRate: 1 } } },
    });
    const client = new MultipartHttp(server.url, TEST_USERS.alice.token);
    const body = bytes(MIN_PART, 17);
    const upload = await client.createNew('faulty.bin', body, MIN_PART);
    const [url] = await client.partUrls(upload.uploadId, [body]);
    const refused = await client.putPart(url!, body);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Request has expired');
    expect(server.server.requestCounts.get('object.put-part')).toBe(1);
  });

  it('are signed with the part MD5: another Content-MD5 or part number is refused', async () => {
    const server = await fsBackend.start();
    const client = new MultipartHttp(server.url, TEST_USERS.alice.token);
    const body = bytes(2 * MIN_PART, 13);
    const parts = cut(body, MIN_PART);
    const upload = await client.createNew('signed.bin', body, MIN_PART);
    const [url1] = await client.partUrls(upload.uploadId, parts, [1]);

    const otherMd5 = await http(url1!.url, {
      method: 'PUT',
      headers: { 'content-md5': md5Base64(parts[1]!) },
      body: parts[1]!,
    });
    expect(otherMd5.status).toBe(403);
    expect(s3ErrorCode(otherMd5.text)).toBe('SignatureDoesNotMatch');
    const noMd5 = await http(url1!.url, { method: 'PUT', body: parts[0]! });
    expect(noMd5.status).toBe(400);
    expect(s3ErrorCode(noMd5.text)).toBe('InvalidDigest');
    const otherPart = await client.putPart(
      { ...url1!, url: url1!.url.replace(`/${upload.uploadId}/1?`, `/${upload.uploadId}/2?`) },
      parts[0]!,
    );
    expect(otherPart.status).toBe(403);
    expect(s3ErrorCode(otherPart.text)).toBe('SignatureDoesNotMatch');
    const tooLong = await client.putPart(url1!, Buffer.concat([parts[0]!, Buffer.from('x')]));
    expect(tooLong.status).toBe(400);
    expect(s3ErrorCode(tooLong.text)).toBe('EntityTooLarge');
    expect((await client.listed(upload.uploadId)).parts).toEqual([]);
    expect(await fsBackend.leftovers(server)).toEqual([]);
  });
});

describe('multipart on the S3 backend', () => {
  it('presigns UploadPart straight to the bucket with the part Content-MD5 signed', async () => {
    const backend = s3Backend();
    const server = await backend.start();
    const client = new MultipartHttp(server.url, TEST_USERS.alice.token);
    const body = bytes(MIN_PART + 1, 14);
    const upload = await client.createNew('direct.bin', body, MIN_PART);
    const [url] = await client.partUrls(upload.uploadId, cut(body, MIN_PART), [2]);
    const parsed = new URL(url!.url);
    expect(parsed.origin).not.toBe(server.url);
    expect(decodeURIComponent(parsed.pathname)).toBe(`/hoist-test/alloy/${upload.s3Key}`);
    expect(parsed.searchParams.get('partNumber')).toBe('2');
    expect(parsed.searchParams.get('uploadId')).toBeTruthy();
    expect(parsed.searchParams.get('uploadId')).not.toBe(upload.uploadId);
    expect((parsed.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';')).toEqual(
      expect.arrayContaining(['content-md5', 'host']),
    );
    expect(url!.md5).toBe(md5Base64(cut(body, MIN_PART)[1]!));
    // The server saw none of it.
    expect(server.server.requestCounts.get('object.put-part')).toBeUndefined();
  });
});
