import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  MultipartUploads,
  PartTarget,
  BodySource,
} from '../../electron/engine/remote/remote-provider.js';
import { FsBlobStore } from '../../electron/server/storage/fs-blob-store.js';
import { openPair, type OpenedPair } from '../../electron/host/open-pair.js';
import { CliProcesses } from '../support/cli-process.js';
import { EngineHarness, FAST_RETRY, type HarnessOptions } from '../support/engine-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const MiB = 1024 * 1024;
const md5 = (content: Buffer): string => createHash('md5').update(content).digest('hex');

/** Bytes this process has read through read(2) and friends, all threads together (proc(5)). */
async function bytesReadByThisProcess(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  const match = /^rchar: (\d+)$/m.exec(io);
  if (match === null) throw new Error(`no rchar in /proc/self/io:\n${io}`);
  return Number(match[1]);
}

/** The MD5 of what the fs backend in `dataDir` stores for an Alloy key, read from its catalog and blobs. */
async function storedMd5(dataDir: string, key: string): Promise<string> {
  const catalog = new Database(join(dataDir, 'catalog.db'), { readonly: true });
  try {
    const row = catalog.prepare("SELECT blob FROM objects WHERE ns = 'alloy' AND key = ?").get(key) as
      { blob: string } | undefined;
    if (row === undefined) throw new Error(`No stored object alloy/${key}`);
    const hash = createHash('md5');
    for await (const chunk of await new FsBlobStore(join(dataDir, 'blobs'), false).read(row.blob))
      hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    catalog.close();
  }
}

/**
 * Issue 19: a file that goes up in parts is read by the hasher's worker once, for its MD5 and every
 * part's, and once more as the parts' bodies. Before, the engine's thread read each part again to
 * hash it before sending it: three reads of the file.
 */
describe('a file uploaded in parts is read once to hash it and once to send it', () => {
  const ALICE = { name: 'alice', token: 'alice-reads-token-01' };
  let home: { path: string; remove: () => Promise<void> };
  const processes = new CliProcesses(() => home.path);
  let pair: OpenedPair | null = null;

  beforeEach(async () => {
    home = await makeTempDir('hoist-mp-reads-');
  });
  afterEach(async () => {
    await pair?.close();
    pair = null;
    await processes.killAll();
    await home.remove();
  });

  it('through the engine against a reference server in its own process', { timeout: 120_000 }, async () => {
    // The server in a process of its own: its reads of the request bodies are not this process's.
    const server = processes.spawn([
      'remote',
      '--port',
      '0',
      '--no-fsync',
      '--quiet',
      '--data',
      join(home.path, 'data'),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--min-part-size',
      String(MiB),
    ]);
    const [, url] = await server.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+) /);
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    const size = 24 * MiB + 4321;
    const content = randomBytes(size);
    await writeFile(join(folder, 'video.bin'), content);
    pair = await openPair(
      {
        folder,
        provider: 'local',
        remote: url as string,
        stateRoot: join(home.path, 'state'),
        token: ALICE.token,
        overrides: { multipartThreshold: 4 * MiB },
      },
      { purpose: 'a test', engine: { retry: FAST_RETRY, settleMs: 20, multipartPartBytes: 2 * MiB } },
    );
    const { engine, hasher, provider } = pair.parts;
    let partPuts = 0;
    const parts = provider.multipart as MultipartUploads;
    const send = parts.sendPart.bind(parts);
    parts.sendPart = (target: PartTarget, partSize: number, body: BodySource, signal?: AbortSignal) => {
      partPuts += 1;
      return send(target, partSize, body, signal);
    };

    const readBefore = await bytesReadByThisProcess();
    const summary = await engine.runOnce();
    const read = (await bytesReadByThisProcess()) - readBefore;

    expect(summary.unsynced).toEqual([]);
    expect(summary.uploaded).toBe(1);
    expect(partPuts).toBe(13);
    const [stored] = await provider.list();
    expect(stored?.size).toBe(size);
    expect(await storedMd5(join(home.path, 'data'), stored?.key ?? '')).toBe(md5(content));
    // The hasher's worker read it once, for the whole MD5 and the 13 parts' MD5s...
    expect(hasher.stats.bytesHashed).toBe(size);
    // ...and, with the parts' bodies, the process read it twice in all (a third read, as before, would
    // be 3 × size); the rest (the state DB, the server's answers) is small beside a quarter of it.
    expect(read).toBeGreaterThanOrEqual(2 * size);
    expect(read).toBeLessThan(2.25 * size);
  });
});

/** Parts of 16 KiB from a file larger than what the pool hashes inline, so its worker does the reading. */
const PART = 16 * 1024;
const SIZE = 6 * PART + 100;
const PARTS = 7;
const SMALL_PARTS: HarnessOptions = {
  server: { multipartMinPartBytes: PART },
  settings: { multipartThreshold: 4 * PART, concurrency: 1 },
  engine: { multipartPartBytes: PART },
};

describe('the parts’ MD5s after a restart', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  /** Runs until the 3rd part is about to go, then stops the engine, as a quit or a kill would. */
  async function stopAtThirdPart(content: Buffer): Promise<void> {
    await harness.write('video.bin', content);
    const parts = harness.provider.multipart as MultipartUploads;
    const send = parts.sendPart.bind(parts);
    let calls = 0;
    parts.sendPart = (target, partSize, body, signal) => {
      calls += 1;
      if (calls === 3) {
        void harness.engine.stop();
        return Promise.reject(new Error('stopped'));
      }
      return send(target, partSize, body, signal);
    };
    const first = await harness.runOnce();
    expect(first.uploaded).toBe(0);
    expect(harness.count('object.put-part')).toBe(2);
  }

  it('come from the state DB: resuming reads the file only to send the missing parts', async () => {
    harness = await EngineHarness.create(SMALL_PARTS);
    const content = randomBytes(SIZE);
    await stopAtThirdPart(content);
    const row = harness.state.files.get('video.bin');
    expect(row?.md5).toBe(md5(content));
    expect(
      harness.state.partHashes.get('video.bin', row as NonNullable<typeof row>, md5(content), PART),
    ).toHaveLength(PARTS);

    await harness.restart();
    const second = await harness.runOnce();

    expect(second.unsynced).toEqual([]);
    expect(harness.count('object.put-part')).toBe(PARTS);
    // Nothing hashed again, in a worker or anywhere.
    expect(harness.hasher.stats.bytesHashed).toBe(0);
    const synced = harness.state.files.get('video.bin');
    expect(await harness.storedBytes(synced?.remoteKey ?? '')).toEqual(content);
    expect(
      harness.state.partHashes.get('video.bin', synced as NonNullable<typeof synced>, md5(content), PART),
    ).toBeNull();
  });

  it('are computed by the hasher’s worker again when they were not kept', async () => {
    harness = await EngineHarness.create(SMALL_PARTS);
    const content = randomBytes(SIZE);
    await stopAtThirdPart(content);
    // A state from before they were kept, or a row lost: the uploader must not hash on its thread.
    harness.state.partHashes.forget('video.bin');

    await harness.restart();
    const second = await harness.runOnce();

    expect(second.unsynced).toEqual([]);
    expect(harness.count('object.put-part')).toBe(PARTS);
    // One read of the whole file, in the pool's worker (SIZE is past what it hashes inline).
    expect(harness.hasher.stats.bytesHashed).toBe(SIZE);
    const synced = harness.state.files.get('video.bin');
    expect(await harness.storedBytes(synced?.remoteKey ?? '')).toEqual(content);
  });
});
