import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  BodySource,
  MultipartUploads,
  PartTarget,
} from '../../electron/engine/remote/remote-provider.js';
import { SyncService } from '../../electron/engine/sync-service.js';
import type { SyncProgress } from '../../shared/sync-types.js';
import { EngineHarness, type HarnessOptions } from '../support/engine-harness.js';
import { PartPutLog } from '../support/part-put-log.js';
import { until } from '../support/poll-until.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';

const md5 = (content: Buffer): string => createHash('md5').update(content).digest('hex');

/** Tiny parts and threshold against a server that takes 1 KiB parts: many parts from a small file. */
const PART = 1024;
/** 11 parts, the last one short. */
const SIZE = 10 * PART + 100;
const PARTS = 11;
const ALL_PARTS = Array.from({ length: PARTS }, (_, index) => index + 1);

function smallParts(log: PartPutLog, extra: Partial<HarnessOptions['server']> = {}): HarnessOptions {
  return {
    server: { multipartMinPartBytes: PART, log: log.log, ...extra },
    // One part at a time: the point where a test steps in is then one exact part.
    settings: { multipartThreshold: 4 * PART, concurrency: 1 },
    engine: { multipartPartBytes: PART },
  };
}

type SendPart = MultipartUploads['sendPart'];

/**
 * Multipart uploads through the engine when something goes wrong on the way (issue 19, tests): the
 * server restarts, a part arrives damaged, the user pauses; and the S3 backend end to end. Each part
 * PUT is counted on the server's side, per part number.
 */
describe('uploads in parts, recovering', () => {
  let harness: EngineHarness | null = null;
  let s3: S3Emulator | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
    await s3?.stop();
    s3 = null;
  });

  /** Calls `before(call)` as each part PUT is about to go (the engine's provider calls this object). */
  function beforeSendPart(open: EngineHarness, before: (call: number) => Promise<void> | void): void {
    const parts = open.provider.multipart;
    if (parts === undefined) throw new Error('the local provider takes no parts');
    const send: SendPart = parts.sendPart.bind(parts);
    let calls = 0;
    parts.sendPart = async (target: PartTarget, size: number, body: BodySource, signal?: AbortSignal) => {
      calls += 1;
      await before(calls);
      return send(target, size, body, signal);
    };
  }

  it('resumes from the server’s list of parts after the server restarts, sending no stored part again', async () => {
    const log = new PartPutLog();
    const open = (harness = await EngineHarness.create(smallParts(log)));
    const content = randomBytes(SIZE);
    await open.write('video.bin', content);
    // The server goes down as the 5th part is about to go (4 stored): that part and the retries
    // after it find nobody there, and the run ends with the file not synced.
    beforeSendPart(open, async (call) => {
      if (call === 5) await open.server.server.close();
    });
    const first = await open.runOnce();
    expect(first.unsynced.map((file) => file.path)).toEqual(['video.bin']);
    expect(log.stored()).toEqual([1, 2, 3, 4]);
    const putsBeforeRestart = log.puts.length;

    // Back on the same data dir and port; the client knows the upload only from its own record. The
    // file waits 30 s before its next try; "Retry now" (the window's button) skips the wait.
    await open.server.restart();
    const service = new SyncService(open.engine, open.state);
    await service.start();
    await service.retryFile('video.bin');
    await until('video.bin is synced', () => open.state.files.get('video.bin')?.state === 'synced');

    expect(open.count('alloy.multipart-list')).toBeGreaterThanOrEqual(1);
    expect(open.count('alloy.multipart-create')).toBe(0);
    // Parts 5 to 11 once each; none of 1 to 4 again.
    expect(log.countsSince(putsBeforeRestart)).toEqual(new Map(ALL_PARTS.slice(4).map((part) => [part, 1])));
    const row = open.state.files.get('video.bin');
    expect(row?.md5).toBe(md5(content));
    expect(await open.storedBytes(row?.remoteKey ?? '')).toEqual(content);
    expect(open.state.multipart.get('video.bin')).toBeNull();
  });

  it('a part damaged on the way is refused by its MD5 and sent again; no other part goes twice', async () => {
    const log = new PartPutLog();
    const open = (harness = await EngineHarness.create(smallParts(log)));
    const content = randomBytes(SIZE);
    await open.write('video.bin', content);
    // The 3rd part's first byte is flipped as it reaches the server, once.
    beforeSendPart(open, (call) => {
      if (call === 3) {
        open.server.server.faults.set({
          seed: 1,
          routes: { 'object.put-part': { corruptRate: 1, limit: 1 } },
        });
      }
    });

    const summary = await open.runOnce();

    expect(summary.unsynced).toEqual([]);
    expect(log.puts.filter((put) => put.status !== '200')).toEqual([
      { uploadId: log.uploadId(), partNumber: 3, status: '400' },
    ]);
    expect(log.countsSince()).toEqual(new Map(ALL_PARTS.map((part) => [part, part === 3 ? 2 : 1])));
    expect(open.count('alloy.multipart-create')).toBe(1);
    // Only that part went again: the file was not failed, hashed again and resumed from the
    // server's list of parts (which a 6 GiB file would pay for with a whole read).
    expect(open.count('alloy.multipart-list')).toBe(0);
    const row = open.state.files.get('video.bin');
    expect(row?.state).toBe('synced');
    expect(await open.storedBytes(row?.remoteKey ?? '')).toEqual(content);
  });

  it('a pause keeps the finished parts, and after it the bars go on from where they were', async () => {
    const log = new PartPutLog();
    const open = (harness = await EngineHarness.create(smallParts(log)));
    const service = new SyncService(open.engine, open.state);
    const content = randomBytes(SIZE);
    await open.write('video.bin', content);
    // Paused (as the window's Pause button does) as the 5th part is about to go; it never leaves.
    beforeSendPart(open, (call) => {
      if (call === 5) {
        service.pause();
        throw new Error('paused');
      }
    });
    const events: SyncProgress[] = [];
    service.on('progress', (progress) => events.push(progress));
    await service.start();
    await until(
      'the upload is paused with 4 parts stored',
      () => service.status().paused && log.stored().length === 4,
    );
    const confirmed = 4 * PART;
    const putsBeforeResume = log.puts.length;
    const eventsBeforeResume = events.length;

    // Progress is announced at most every 250 ms: parts that take 300 ms each make every one seen.
    open.server.server.faults.set({ seed: 1, routes: { 'object.put-part': { latencyMs: 300 } } });
    service.resume();
    await until('video.bin is synced', () => open.state.files.get('video.bin')?.state === 'synced');

    expect(log.countsSince(putsBeforeResume)).toEqual(new Map(ALL_PARTS.slice(4).map((part) => [part, 1])));
    // Every progress event after the resume that draws a bar (something to send) draws it at least
    // where it was, the batch's and the file's.
    const after = events.slice(eventsBeforeResume).filter((progress) => progress.bytesTotal > 0);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]?.bytesDone).toBeGreaterThanOrEqual(confirmed);
    for (const progress of after) {
      const file = progress.inFlight?.find((entry) => entry.path === 'video.bin');
      if (file) expect(file.bytesDone).toBeGreaterThanOrEqual(confirmed);
    }
    const row = open.state.files.get('video.bin');
    expect(await open.storedBytes(row?.remoteKey ?? '')).toEqual(content);
  });

  it('goes up in parts through the S3 backend (s3rver), straight to the bucket, and reads back whole', async () => {
    s3 = await startS3Emulator();
    const log = new PartPutLog();
    const open = (harness = await EngineHarness.create({
      ...smallParts(log, { backend: s3.backend }),
      settings: { multipartThreshold: 4 * PART },
    }));
    const content = randomBytes(SIZE);
    await open.write('video.bin', content);
    await open.write('small.txt', 'one PUT');

    const summary = await open.runOnce();

    expect(summary.unsynced).toEqual([]);
    expect(summary.uploaded).toBe(2);
    // The parts went to the bucket, not through the server.
    expect(s3.multipart.partPuts).toBe(PARTS);
    expect(log.puts).toEqual([]);
    expect(open.count('alloy.multipart-complete')).toBe(1);
    expect(await s3.openMultipartUploads()).toEqual([]);
    const row = open.state.files.get('video.bin');
    expect(row?.state).toBe('synced');
    const inspector = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: s3.backend.credentials,
    });
    try {
      const answer = await inspector.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: `alloy/${row?.remoteKey ?? ''}` }),
      );
      expect(Buffer.from(await answer.Body!.transformToByteArray())).toEqual(content);
    } finally {
      inspector.destroy();
    }
    expect(await open.remotePaths()).toEqual(['small.txt', 'video.bin']);
  });
});
