import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { mimeTypeFromName } from '../../electron/base/mime-type.js';
import type { UploadCandidate } from '../../electron/engine/remote/remote-provider.js';
import { MAX_TICKET_AGE_MS, TicketPrefetch } from '../../electron/engine/upload/ticket-prefetch.js';
import { EngineHarness } from '../support/engine-harness.js';
import { FakeClock } from '../support/fake-clock.js';

const md5 = (content: string): string => createHash('md5').update(content).digest('hex');

/**
 * TicketPrefetch on its own, against the real reference server and a real state DB: which ticket an
 * upload gets, and when it is asked for again. Its clock is a FakeClock, so a ticket's age is exact.
 */
describe('TicketPrefetch', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  /** `count` files in the upload queue (hashed, not yet uploaded), as the engine leaves them. */
  function queue(count: number, sizeOf = (index: number): number => 10 + index): UploadCandidate[] {
    const files = harness.state.files;
    return Array.from({ length: count }, (_, index) => {
      const path = `queued-${index}.txt`;
      const stat = { size: sizeOf(index), mtimeMs: 1_700_000_000_000, inode: 1000 + index };
      files.markSeen(path, path, stat, 1);
      const hash = md5(path);
      files.recordHash(path, stat, hash, null, 1);
      return {
        path,
        absolutePath: harness.path(path),
        remoteName: path,
        size: stat.size,
        mimeType: mimeTypeFromName(path),
        md5Hex: hash,
        sha256Hex: null,
      };
    });
  }

  const prefetchWith = (clock: FakeClock): TicketPrefetch =>
    new TicketPrefetch({ provider: harness.provider, files: harness.state.files, root: harness.root, clock });
  const singles = (): number => harness.count('alloy.upload-request');
  const batches = (): number => harness.count('alloy.upload-request-batch');

  it('asks once for the head of the queue, hands each file its own ticket, and asks again for a stale or changed one', async () => {
    harness = await EngineHarness.create();
    const clock = new FakeClock();
    const prefetch = prefetchWith(clock);
    const signal = new AbortController().signal;
    const [first, second, third, fourth] = queue(4) as [
      UploadCandidate,
      UploadCandidate,
      UploadCandidate,
      UploadCandidate,
    ];

    // As the engine does: a file leaves the queue (uploading) before its upload asks for a ticket.
    const ask = (file: UploadCandidate) => {
      harness.state.files.setState(file.path, 'uploading', clock.now());
      return prefetch.ticketFor(file, signal);
    };

    // Before the remote said it takes batches (no answer read yet), every file asks alone.
    expect(await prefetch.ticketFor(first, signal)).toBeNull();
    await harness.provider.list();
    expect(harness.provider.ticketBatches?.maxFiles).toBeGreaterThan(1);

    const ticket = await ask(first);
    expect(ticket).toMatchObject({ kind: 'send', key: expect.stringMatching(/_queued-0\.txt$/) });
    expect(batches()).toBe(1);
    expect(prefetch.waiting).toBe(3);

    // The next file's ticket came in that batch: no request.
    const secondTicket = await ask(second);
    expect(secondTicket).toMatchObject({ kind: 'send', key: expect.stringMatching(/_queued-1\.txt$/) });
    expect(batches()).toBe(1);

    // The third file changed since (another MD5): its ticket is not used; it asks alone (null).
    expect(await ask({ ...third, md5Hex: md5('other bytes') })).toBeNull();

    // Too old: the fourth file's ticket was answered before the clock moved on.
    await clock.advance(MAX_TICKET_AGE_MS + 1);
    expect(await ask(fourth)).toBeNull();
    expect(prefetch.waiting).toBe(0);
    expect(batches()).toBe(1);
    expect(singles()).toBe(0);
  });

  it('a file alone in the queue asks alone: a batch of one is only a longer way to ask', async () => {
    harness = await EngineHarness.create();
    await harness.provider.list();
    const prefetch = prefetchWith(new FakeClock());
    const [only] = queue(1) as [UploadCandidate];
    expect(await prefetch.ticketFor(only, new AbortController().signal)).toBeNull();
    expect(batches()).toBe(0);
  });

  it('asks ahead only for small files, and for no more than 8 MiB of them', async () => {
    harness = await EngineHarness.create();
    await harness.provider.list();
    const prefetch = prefetchWith(new FakeClock());
    const MiB = 1024 * 1024;
    // queued-0: 10 bytes; queued-1: 2 MiB (larger than a held body); then ten files of 1 MiB each.
    const [first] = queue(12, (index) => (index === 0 ? 10 : index === 1 ? 2 * MiB : MiB)) as [
      UploadCandidate,
    ];
    harness.state.files.setState(first.path, 'uploading', 1);
    expect(await prefetch.ticketFor(first, new AbortController().signal)).not.toBeNull();
    expect(batches()).toBe(1);
    // Eight of the 1 MiB files fit in 8 MiB; the 2 MiB file and the last two ask alone.
    expect(prefetch.waiting).toBe(8);
  });
});
