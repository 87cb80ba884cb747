import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { encodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type {
  MultipartSession,
  MultipartUploads,
  RemoteProvider,
  UploadCandidate,
} from '../../electron/engine/remote/remote-provider.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { bytes, md5Hex } from '../support/multipart-http.js';
import { startS3Emulator } from '../support/s3-emulator.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

const MIN_PART = 1024;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

async function server(
  backend: 'fs' | 's3',
  overrides: Partial<ReferenceServerOptions> = {},
): Promise<TestServer> {
  const options: Partial<ReferenceServerOptions> = { multipartMinPartBytes: MIN_PART, ...overrides };
  if (backend === 's3') {
    const s3 = await startS3Emulator();
    cleanups.push(() => s3.stop());
    options.backend = s3.backend;
  }
  const started = await startTestServer(options);
  cleanups.push(() => started.close());
  return started;
}

async function provider(remote: TestServer): Promise<RemoteProvider> {
  const made = await createProvider({ kind: 'local', baseUrl: remote.url, token: TEST_USERS.alice.token });
  cleanups.push(() => made.close());
  return made;
}

function multipartOf(made: RemoteProvider): MultipartUploads {
  if (made.multipart === undefined) throw new Error('the local provider has no multipart uploads');
  return made.multipart;
}

/** A file on disk, as the engine describes it. */
async function localFile(name: string, content: Buffer): Promise<UploadCandidate> {
  const folder = await makeTempDir('hoist-multipart-');
  cleanups.push(() => folder.remove());
  const absolutePath = join(folder.path, name);
  await writeFile(absolutePath, content);
  return {
    path: name,
    absolutePath,
    remoteName: encodeRemoteName(name),
    size: content.length,
    mimeType: 'application/octet-stream',
    md5Hex: md5Hex(content),
    sha256Hex: null,
  };
}

/** Part n of a file on disk, streamed from its range (the way an uploader reads it). */
function partRange(file: UploadCandidate, session: MultipartSession, partNumber: number) {
  const start = (partNumber - 1) * session.partSize;
  const end = Math.min(file.size, start + session.partSize);
  return { size: end - start, body: () => createReadStream(file.absolutePath, { start, end: end - 1 }) };
}

function partMd5(content: Buffer, session: MultipartSession, partNumber: number): string {
  const start = (partNumber - 1) * session.partSize;
  return createHash('md5')
    .update(content.subarray(start, start + session.partSize))
    .digest('hex');
}

async function syncError(promise: Promise<unknown>): Promise<SyncError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a SyncError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(SyncError);
  return outcome.error as SyncError;
}

async function startNew(
  multipart: MultipartUploads,
  file: UploadCandidate,
  partSize = MIN_PART,
): Promise<MultipartSession> {
  const started = await multipart.start(file, { partSize });
  if (started.kind !== 'multipart') throw new Error(`expected a new upload, got ${JSON.stringify(started)}`);
  return started;
}

describe.each(['fs', 's3'] as const)('the local provider’s multipart uploads, %s backend', (backend) => {
  it('uploads parts in parallel from disk, completes, and the file is listed; the same content is then existing', async () => {
    const remote = await server(backend);
    const made = await provider(remote);
    const multipart = multipartOf(made);
    const content = bytes(3 * MIN_PART + 100, 21);
    const file = await localFile('clip.mov', content);

    const session = await startNew(multipart, file);
    expect(session).toMatchObject({
      size: content.length,
      partSize: MIN_PART,
      partCount: 4,
      replaces: false,
    });
    expect(multipart.limits).toEqual({
      minPartBytes: MIN_PART,
      maxPartBytes: 5 * 1024 ** 3,
      maxParts: 10_000,
    });
    const numbers = [1, 2, 3, 4];
    const targets = await multipart.partUrls(
      session.uploadId,
      numbers.map((partNumber) => ({ partNumber, md5Hex: partMd5(content, session, partNumber) })),
    );
    expect(targets.every((target) => target.expiresAt > Date.now())).toBe(true);
    const etags = await Promise.all(
      targets.map((target) => {
        const part = partRange(file, session, target.partNumber);
        return multipart.sendPart(target, part.size, part.body);
      }),
    );
    expect(etags).toEqual(numbers.map((partNumber) => partMd5(content, session, partNumber)));
    expect(await made.list()).toEqual([]);

    const key = await multipart.complete(
      session.uploadId,
      numbers.map((partNumber, index) => ({ partNumber, md5Hex: etags[index]! })),
    );
    expect(key).toBe(session.key);
    expect(await made.list()).toEqual([expect.objectContaining({ key, size: content.length })]);
    expect(await multipart.listParts(session.uploadId)).toBeNull();
    expect(await multipart.start(file, { partSize: MIN_PART })).toEqual({ kind: 'existing', key });
    // The single-PUT ticket agrees.
    expect(await made.prepareUpload(file)).toEqual({ kind: 'existing', key });
  });

  it('resumes from what the remote lists after the provider (or the server) restarts, sending no part twice', async () => {
    const data = await makeTempDir('hoist-multipart-data-');
    cleanups.push(() => data.remove());
    const s3 = backend === 's3' ? await startS3Emulator() : null;
    if (s3) cleanups.push(() => s3.stop());
    const options = { dataDir: data.path, ...(s3 ? { backend: s3.backend } : {}) };
    const first = await server('fs', options);
    const content = bytes(3 * MIN_PART, 22);
    const file = await localFile('resume.bin', content);
    const before = multipartOf(await provider(first));
    const session = await startNew(before, file);
    const [target] = await before.partUrls(session.uploadId, [
      { partNumber: 2, md5Hex: partMd5(content, session, 2) },
    ]);
    const part2 = partRange(file, session, 2);
    await before.sendPart(target!, part2.size, part2.body);
    await first.close();

    const second = await server('fs', options);
    const after = multipartOf(await provider(second));
    const listing = await after.listParts(session.uploadId);
    expect(listing).toMatchObject({
      uploadId: session.uploadId,
      key: session.key,
      md5Hex: file.md5Hex,
      size: content.length,
      partSize: MIN_PART,
      partCount: 3,
      parts: [{ partNumber: 2, md5Hex: partMd5(content, session, 2), size: MIN_PART }],
    });
    const missing = [1, 3].map((partNumber) => ({
      partNumber,
      md5Hex: partMd5(content, session, partNumber),
    }));
    for (const target of await after.partUrls(session.uploadId, missing)) {
      const part = partRange(file, session, target.partNumber);
      await after.sendPart(target, part.size, part.body);
    }
    if (backend === 'fs') expect(second.server.requestCounts.get('object.put-part')).toBe(2);
    else expect(s3!.multipart.partPuts).toBe(3);
    const key = await after.complete(
      session.uploadId,
      [1, 2, 3].map((partNumber) => ({ partNumber, md5Hex: partMd5(content, session, partNumber) })),
    );
    expect(key).toBe(session.key);
  });

  it('a corrupted part is refused as digest-mismatch; a wrong part list as invalid-part; both leave the upload usable', async () => {
    const remote = await server(backend);
    const multipart = multipartOf(await provider(remote));
    const content = bytes(2 * MIN_PART, 23);
    const file = await localFile('corrupt.bin', content);
    const session = await startNew(multipart, file);
    const [target1, target2] = await multipart.partUrls(session.uploadId, [
      { partNumber: 1, md5Hex: partMd5(content, session, 1) },
      { partNumber: 2, md5Hex: partMd5(content, session, 2) },
    ]);
    const wrong = Buffer.from(content.subarray(0, MIN_PART));
    wrong[5] = (wrong[5]! + 1) % 256;
    const refused = await syncError(
      multipart.sendPart(target1!, MIN_PART, async function* () {
        yield wrong;
      }),
    );
    expect(refused.reason).toBe('digest-mismatch');

    const part1 = partRange(file, session, 1);
    await multipart.sendPart(target1!, part1.size, part1.body);
    const part2 = partRange(file, session, 2);
    await multipart.sendPart(target2!, part2.size, part2.body);
    const outOfOrder = await syncError(
      multipart.complete(session.uploadId, [
        { partNumber: 2, md5Hex: partMd5(content, session, 2) },
        { partNumber: 1, md5Hex: partMd5(content, session, 1) },
      ]),
    );
    expect(outOfOrder).toMatchObject({ category: 'remote-rejected', reason: 'invalid-part' });
    expect(outOfOrder.message).toMatch(/ascending order/);
    const key = await multipart.complete(session.uploadId, [
      { partNumber: 1, md5Hex: partMd5(content, session, 1) },
      { partNumber: 2, md5Hex: partMd5(content, session, 2) },
    ]);
    expect(key).toBe(session.key);
  });

  it('abort leaves nothing; aborting again is fine; its part URLs then say no-such-upload', async () => {
    const remote = await server(backend);
    const made = await provider(remote);
    const multipart = multipartOf(made);
    const content = bytes(2 * MIN_PART, 24);
    const file = await localFile('gone.bin', content);
    const session = await startNew(multipart, file);
    const [target] = await multipart.partUrls(session.uploadId, [
      { partNumber: 1, md5Hex: partMd5(content, session, 1) },
    ]);
    await multipart.abort(session.uploadId);
    await multipart.abort(session.uploadId);
    expect(await multipart.listParts(session.uploadId)).toBeNull();
    const part = partRange(file, session, 1);
    expect((await syncError(multipart.sendPart(target!, part.size, part.body))).reason).toBe(
      'no-such-upload',
    );
    expect(
      (await syncError(multipart.partUrls(session.uploadId, [{ partNumber: 1, md5Hex: file.md5Hex }])))
        .reason,
    ).toBe('no-such-upload');
    expect(await made.list()).toEqual([]);
  });
});

describe('the local provider’s multipart uploads: links and remotes without multipart', () => {
  it('an expired part URL says expired-url (retryable) and a fresh one works', async () => {
    let clock = Date.now();
    const remote = await server('fs', { urlTtlSeconds: 60, now: () => clock });
    const multipart = multipartOf(await provider(remote));
    const content = bytes(MIN_PART, 25);
    const file = await localFile('late.bin', content);
    const session = await startNew(multipart, file);
    const ask = () => multipart.partUrls(session.uploadId, [{ partNumber: 1, md5Hex: file.md5Hex }]);
    const [old] = await ask();
    clock += 61_000;
    const part = partRange(file, session, 1);
    const expired = await syncError(multipart.sendPart(old!, part.size, part.body));
    expect(expired).toMatchObject({ reason: 'expired-url', retryable: true });
    const [fresh] = await ask();
    expect(await multipart.sendPart(fresh!, part.size, part.body)).toBe(file.md5Hex);
  });

  it('a remote without the multipart routes (like the public Alloy API) says no-multipart', async () => {
    const stub = createServer((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: `No route for ${req.method} ${req.url}`, code: 'NOT_FOUND' } }),
      );
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => stub.close(() => resolve())));
    const made = await createProvider({
      kind: 'alloy',
      baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
      token: TEST_USERS.alice.token,
    });
    cleanups.push(() => made.close());
    const file = await localFile('video.mov', bytes(10, 26));
    const refused = await syncError(multipartOf(made).start(file));
    expect(refused).toMatchObject({ category: 'unsupported', reason: 'no-multipart', retryable: false });
    expect(refused.message).toBe('Alloy does not take uploads in parts.');
  });
});
