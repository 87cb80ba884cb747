import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/base/clock.js';
import { refreshMirror } from '../../electron/engine/mirror-refresh.js';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import type { ListingSink, RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import type { RetryOptions } from '../../electron/engine/remote/retry.js';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { listedFile, startListingServer, type ListingServer } from '../support/listing-server.js';
import { makeTempDir } from '../support/temp-dir.js';

// Issue 11: a listing is processed as it arrives, so memory stays flat however many files the
// remote lists, and a listing that fails partway never wipes or half-replaces the mirror. Real HTTP
// to a small server that writes its (generated) listing as it goes, a real state DB.

const ONE_TRY: RetryOptions = { attempts: 1 };
const COUNT = 200_000;

/** Entries spread over the listing, the first and last included. */
const SAMPLE = [0, 1, 9, 10, 12_345, 99_999, 150_001, COUNT - 1];

describe('streamed listings', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setUp = async (
    kind: 'alloy' | 'composio' | 'openwebui',
    count: number,
  ): Promise<{ server: ListingServer; provider: RemoteProvider; state: PairState }> => {
    const server = await startListingServer({ count, version: 'v1' });
    cleanups.push(() => server.close());
    const provider = await createProvider({ kind, baseUrl: server.url, token: 'listing-test-token-0001' });
    cleanups.push(() => provider.close());
    const temp = await makeTempDir('hoist-listing-');
    cleanups.push(() => temp.remove());
    const state = openPairState(`${temp.path}/state.db`);
    cleanups.push(() => state.close());
    return { server, provider, state };
  };

  const refresh = (state: PairState, provider: RemoteProvider, retry = ONE_TRY) =>
    refreshMirror(state, provider, systemClock, retry);

  /** What a refresh threw, which must be a SyncError. */
  const failure = async (promise: Promise<unknown>): Promise<SyncError> => {
    const error = await promise.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SyncError);
    return error as SyncError;
  };

  /** The mirror holds `listedFile(index)` as Alloy lists it (size + delta, date, decoded path). */
  const expectMirrored = (state: PairState, index: number, sizeDelta = 0): void => {
    const file = listedFile(index, sizeDelta);
    expect(state.mirror.copy(file.s3Key)).toEqual({
      key: file.s3Key,
      name: file.filename,
      size: file.size,
      lastModified: Date.parse(file.lastModified),
      md5: null,
    });
  };

  it(`Alloy: ${COUNT.toLocaleString('en')} entries arrive in batches while the server is still writing, and are mirrored exactly`, async () => {
    const { server, provider, state } = await setUp('alloy', COUNT);
    const sizes: number[] = [];
    let completedAtFirstBatch: number | null = null;
    await provider.listInBatches((batch) => {
      completedAtFirstBatch ??= server.completed;
      sizes.push(batch.length);
    });
    // Read as it was written: the first batch came long before the server wrote its last byte.
    expect(completedAtFirstBatch).toBe(0);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(COUNT);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2000);

    const first = await refresh(state, provider);
    expect(first).toMatchObject({ unchanged: false, remoteFiles: COUNT, added: COUNT, removed: 0 });
    expect(state.mirror.count()).toBe(COUNT);
    expect(state.mirror.listingVersion()).toBe('"v1"');
    for (const index of SAMPLE) expectMirrored(state, index);
    // The path people see is the name with its folders decoded; sorted by it, in SQLite.
    const page = state.browse.page({ offset: 0, limit: 2, sort: 'name' });
    expect(page.total).toBe(COUNT);
    expect(page.items.map((item) => item.displayPath)).toEqual(['notes-0000000.md', 'notes-0000010.md']);
    const found = state.browse.page({ offset: 0, limit: 5, search: 'client-0042/reports/file-0000042.pdf' });
    expect(found.items.map((item) => item.key)).toEqual([listedFile(42).s3Key]);

    // The same listing again: the remote says so (304) and nothing is read.
    expect(await refresh(state, provider)).toMatchObject({ unchanged: true, remoteFiles: null });
    expect(server.notModified).toBe(1);

    // A changed listing (1 in 100 gone, every size changed) is diffed against the mirror.
    server.update({ version: 'v2', variant: { skipEvery: 100, sizeDelta: 7 } });
    const changed = await refresh(state, provider);
    expect(changed).toMatchObject({ remoteFiles: COUNT - COUNT / 100, added: 0, removed: COUNT / 100 });
    expect(state.mirror.count()).toBe(COUNT - COUNT / 100);
    expect(state.mirror.copy(listedFile(12_300).s3Key)).toBeNull();
    for (const index of SAMPLE.filter((index) => index % 100 !== 0)) expectMirrored(state, index, 7);
    expect(state.mirror.listingVersion()).toBe('"v2"');
  }, 120_000);

  it('Alloy: a bad entry mid-stream is named, and the mirror stays exactly as it was', async () => {
    const { server, provider, state } = await setUp('alloy', COUNT);
    await refresh(state, provider);
    server.update({
      version: 'v2',
      variant: { sizeDelta: 1 },
      corrupt: { index: 150_000, json: '{"filename": "x"}' },
    });

    const missing = await failure(refresh(state, provider));
    expect(missing).toMatchObject({ category: 'remote-rejected', reason: 'unexpected-response' });
    expect(missing.message).toContain('Alloy');
    expect(missing.detail).toBe('files[150000].s3Key is missing');
    const untouched = (): void => {
      expect(state.mirror.count()).toBe(COUNT);
      expect(state.mirror.listingVersion()).toBe('"v1"');
      for (const index of SAMPLE) expectMirrored(state, index);
    };
    untouched();

    server.update({ corrupt: { index: 150_000, json: '{"s3Key": 12, "filename": "x"}' } });
    expect((await failure(refresh(state, provider))).detail).toBe(
      'files[150000].s3Key should be a string, not a number',
    );
    untouched();

    // Not JSON any more from there on: a garbled answer, worth retrying, named by its byte.
    server.update({ corrupt: { index: 150_000, json: '{"s3Key": "k", "filename": x}' } });
    const garbled = await failure(refresh(state, provider));
    expect(garbled).toMatchObject({ category: 'network', retryable: true, reason: 'malformed-response' });
    expect(garbled.detail).toMatch(/not valid JSON at byte \d+/);
    untouched();

    // The connection cut partway, tried twice, changes nothing either.
    server.update({ corrupt: undefined, cutAfter: 120_000 });
    const cut = await failure(refresh(state, provider, { attempts: 2, startingDelayMs: 1, maxDelayMs: 5 }));
    expect(cut).toMatchObject({ category: 'network', retryable: true });
    untouched();

    // Silent partway for longer than the body timeout: given up on, like any stalled answer.
    server.update({ cutAfter: undefined, stallAfter: 60_000 });
    const impatient = new AlloyProvider({
      baseUrl: server.url,
      token: 'listing-test-token-0001',
      bodyTimeoutMs: 300,
    });
    cleanups.push(() => impatient.close());
    const stalled = await failure(refresh(state, impatient));
    expect(stalled).toMatchObject({ category: 'network', retryable: true });
    expect(stalled.message).toContain('stalled');
    untouched();

    // Aborted partway (the user stopped the run): nothing changes, and the abort is what is thrown.
    server.update({ stallAfter: undefined });
    const controller = new AbortController();
    const aborted = await refreshMirror(state, abortingAfter(provider, controller, 50_000), systemClock, {
      attempts: 3,
      signal: controller.signal,
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((aborted as Error | null)?.name).toBe('AbortError');
    untouched();

    // And the next good listing replaces it all.
    server.update({ corrupt: undefined, cutAfter: undefined });
    expect(await refresh(state, provider)).toMatchObject({ remoteFiles: COUNT, added: 0, removed: 0 });
    for (const index of SAMPLE) expectMirrored(state, index, 1);
  }, 120_000);

  it('Alloy: an answer that is no listing at all is told apart from an empty one', async () => {
    const { provider, state } = await setUp('alloy', 0);
    expect(await refresh(state, provider)).toMatchObject({ remoteFiles: 0, added: 0 });
    const shapes: Array<[string, string]> = [
      ['{"files": "none"}', 'files is a string, not a list'],
      ['{"items": []}', 'files is missing'],
      ['[]', 'the answer is a list, not an object with files'],
      ['{"files": {"a": {"s3Key": "k", "filename": "f"}}}', 'files is an object, not a list'],
      ['', 'the answer is empty'],
    ];
    for (const [body, problem] of shapes) {
      const fixed = await startFixedServer(body);
      cleanups.push(() => fixed.close());
      const alloy = new AlloyProvider({ baseUrl: fixed.url, token: 'listing-test-token-0001' });
      cleanups.push(() => alloy.close());
      const error = await failure(alloy.list());
      expect(error).toMatchObject({ category: 'remote-rejected', reason: 'unexpected-response' });
      expect(error.detail).toBe(problem);
    }
  });

  it('Composio: pages of 1,000, each one batch; a bad page leaves the mirror as it was', async () => {
    const count = 20_500;
    const { server, provider, state } = await setUp('composio', count);
    const sizes: number[] = [];
    await provider.listInBatches((batch) => void sizes.push(batch.length));
    expect(sizes).toEqual([...Array.from({ length: 20 }, () => 1000), 500]);
    expect(await refresh(state, provider)).toMatchObject({ remoteFiles: count, added: count });
    const key = (index: number): string => `hoist/sync/${listedFile(index).filename}`;
    expect(state.mirror.copy(key(20_499))).toMatchObject({ key: key(20_499), size: null });

    server.update({ count: count + 10, corrupt: { index: 15_000, json: '{"toolkit_slug": "hoist"}' } });
    const error = await failure(refresh(state, provider));
    expect(error).toMatchObject({ category: 'remote-rejected', reason: 'unexpected-response' });
    expect(error.message).toContain('page 16');
    expect(state.mirror.count()).toBe(count);

    server.update({ corrupt: undefined });
    expect(await refresh(state, provider)).toMatchObject({ remoteFiles: count + 10, added: 10, removed: 0 });
  }, 60_000);

  it('Open WebUI: one unpaged array, streamed the same way; a bad entry is named by its place', async () => {
    const count = 50_000;
    const { server, provider, state } = await setUp('openwebui', count);
    expect(await refresh(state, provider)).toMatchObject({ remoteFiles: count, added: count });
    expect(state.mirror.copy('id-49999')).toMatchObject({ name: listedFile(49_999).filename });

    server.update({ corrupt: { index: 40_000, json: '{"filename": "no id"}' } });
    const error = await failure(refresh(state, provider));
    expect(error.detail).toBe('[40000].id is missing');
    expect(state.mirror.count()).toBe(count);
  }, 60_000);
});

/** `provider`, aborting `controller` once `after` entries of a listing went by. */
function abortingAfter(provider: RemoteProvider, controller: AbortController, after: number): RemoteProvider {
  let seen = 0;
  const counting =
    (onBatch: ListingSink): ListingSink =>
    (entries) => {
      seen += entries.length;
      if (seen >= after) controller.abort();
      return onBatch(entries);
    };
  const listSince = provider.listSince?.bind(provider);
  return {
    info: provider.info,
    prepareUpload: (file, signal) => provider.prepareUpload(file, signal),
    send: (ticket, file, body, signal) => provider.send(ticket, file, body, signal),
    list: (signal) => provider.list(signal),
    listInBatches: (onBatch, signal) => provider.listInBatches(counting(onBatch), signal),
    ...(listSince
      ? { listSince: (version, onBatch, signal) => listSince(version, counting(onBatch), signal) }
      : {}),
    delete: (key, signal) => provider.delete(key, signal),
    close: () => provider.close(),
  };
}

/** A server answering every request with `body` as JSON. */
async function startFixedServer(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
