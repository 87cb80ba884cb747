import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/base/clock.js';
import { refreshMirror } from '../../electron/engine/mirror-refresh.js';
import { AlloyProvider } from '../../electron/engine/remote/alloy-provider.js';
import type {
  ListingResult,
  ListingSink,
  RemoteEntry,
  RemoteProvider,
} from '../../electron/engine/remote/remote-provider.js';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { makeTempDir } from '../support/temp-dir.js';
import { uploadFromElsewhere } from '../support/upload-from-elsewhere.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// A refresh's listing can predate an upload the engine records while that listing is on its way (a
// watch-mode refresh while a changed file is uploaded). The listing's older entry for that key must
// not overwrite the engine's fresh record: it would read as "someone replaced our copy" (a false
// conflict, and the file stuck) or as a lost copy. Real reference server, real state DB; the race is
// made certain by holding the listing's batches until the upload is recorded.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

let temp: { path: string; remove: () => Promise<void> };
let server: TestServer;
let provider: AlloyProvider;
let state: PairState;

beforeEach(async () => {
  temp = await makeTempDir('hoist-listing-race-');
  server = await startTestServer();
  provider = new AlloyProvider({ baseUrl: server.url, token: TEST_USERS.alice.token, kind: 'local' });
  state = openPairState(`${temp.path}/state.db`);
});

afterEach(async () => {
  state.close();
  await provider.close();
  await server.close();
  await temp.remove();
});

/** Uploads `bytes` as a.txt the way the engine does, and records it: hash, mirror row, synced. */
async function uploadAndRecord(
  bytes: Buffer,
  inode: number,
  at: () => number = Date.now,
  path = 'a.txt',
): Promise<string> {
  const digest = md5(bytes);
  const stat = { size: bytes.length, mtimeMs: inode, inode };
  state.files.markSeen(path, path, stat, at());
  state.files.recordHash(path, stat, digest, null, at());
  const file = {
    path,
    absolutePath: `/folder/${path}`,
    remoteName: path,
    size: bytes.length,
    mimeType: 'text/plain',
    md5Hex: digest,
    sha256Hex: null,
  };
  const ticket = await provider.prepareUpload(file);
  if (ticket.kind !== 'send') throw new Error('expected to send');
  const key = await provider.send(ticket, file, async function* () {
    yield bytes;
  });
  const now = at();
  state.mirror.upsertOne(
    { key, name: path, size: bytes.length, lastModified: now, md5: digest, sha256: null },
    path,
    now,
  );
  expect(state.files.markSynced(path, key, digest, true, now)).toBe(true);
  return key;
}

/** Another device's upload to the same account. */
async function putFromElsewhere(name: string, bytes: Buffer): Promise<void> {
  const other = new AlloyProvider({ baseUrl: server.url, token: TEST_USERS.alice.token, kind: 'local' });
  try {
    await uploadFromElsewhere(other, name, bytes);
  } finally {
    await other.close();
  }
}

/** The real provider, except that its listing reaches the engine only after `meanwhile` has run. */
function listingHeldUntil(meanwhile: () => Promise<void>): RemoteProvider {
  const held = async (onBatch: ListingSink, run: (sink: ListingSink) => Promise<ListingResult>) => {
    const batches: RemoteEntry[][] = [];
    const result = await run((batch) => void batches.push(batch));
    await sleep(5);
    await meanwhile();
    for (const batch of batches) onBatch(batch);
    return result;
  };
  return Object.assign(Object.create(provider) as RemoteProvider, {
    listSince: (version: string | null, onBatch: ListingSink, signal?: AbortSignal) =>
      held(onBatch, (sink) => provider.listSince(version, sink, signal)),
    listInBatches: async (onBatch: ListingSink, signal?: AbortSignal) => {
      await held(onBatch, async (sink) => {
        await provider.listInBatches(sink, signal);
        return { unchanged: false, version: null };
      });
    },
  });
}

describe('a listing that predates an upload recorded meanwhile', () => {
  it('keeps the fresh record: no false conflict, no lost copy, and the next listing agrees', async () => {
    const key = await uploadAndRecord(Buffer.from('version one'), 1);
    await refreshMirror(state, provider, systemClock, { attempts: 1 });
    expect(state.files.get('a.txt')?.state).toBe('synced');

    // Something changed on the remote since (another device added b.txt), so the next listing is a
    // full one; the file changes, and its upload (same key: our own copy) lands while that listing,
    // which still has v1, is under way.
    await putFromElsewhere('b.txt', Buffer.from('another device'));
    const v2 = Buffer.from('version two, longer');
    const outcome = await refreshMirror(
      state,
      listingHeldUntil(async () => {
        expect(await uploadAndRecord(v2, 2)).toBe(key);
      }),
      systemClock,
      { attempts: 1 },
    );
    expect(outcome).toMatchObject({ replaced: [], lost: [] });
    expect(state.files.get('a.txt')).toMatchObject({ state: 'synced', syncedSize: v2.length });
    expect(state.mirror.copy(key)?.size).toBe(v2.length);
    // The mirror is not exactly that listing any more, so the next refresh lists in full.
    expect(state.mirror.listingVersion()).toBeNull();

    const next = await refreshMirror(state, provider, systemClock, { attempts: 1 });
    expect(next).toMatchObject({ unchanged: false, replaced: [], lost: [] });
    expect(state.files.get('a.txt')).toMatchObject({ state: 'synced', syncedSize: v2.length });
    expect(state.mirror.listingVersion()).not.toBeNull();
  });

  it('still notices a copy someone else replaced before the listing began', async () => {
    const key = await uploadAndRecord(Buffer.from('ours'), 1);
    await refreshMirror(state, provider, systemClock, { attempts: 1 });
    // Another device, same account, same name, other bytes.
    const theirs = Buffer.from('theirs, from another device');
    await putFromElsewhere('a.txt', theirs);
    const outcome = await refreshMirror(state, provider, systemClock, { attempts: 1 });
    expect(outcome.replaced).toEqual(['a.txt']);
    expect(state.mirror.copy(key)?.size).toBe(theirs.length);
  });

  // The engine's clock has a millisecond's resolution; an upload and a listing often share one. The
  // clock here stands still, so every step below happens in the same millisecond.
  const frozen = { ...systemClock, now: () => 1_800_000_000_000 };

  it('an upload recorded before a listing in the same millisecond is in it: the version is kept', async () => {
    const key = await uploadAndRecord(Buffer.from('same millisecond'), 1, frozen.now);
    await refreshMirror(state, provider, frozen, { attempts: 1 });
    // The listing holds the copy, so the mirror is exactly that listing: its version stays (the next
    // refresh is a 304) and the copy's date is the remote's own, the baseline for a later replacement.
    expect(state.mirror.listingVersion()).toMatch(/^"/);
    expect(state.mirror.copy(key)?.lastModified).not.toBe(frozen.now());
    expect(await refreshMirror(state, provider, frozen, { attempts: 1 })).toMatchObject({ unchanged: true });
  });

  it('an upload recorded after a listing began in the same millisecond is newer: kept, never lost', async () => {
    await uploadAndRecord(Buffer.from('first'), 1, frozen.now);
    await refreshMirror(state, provider, frozen, { attempts: 1 });
    await putFromElsewhere('b.txt', Buffer.from('another device'));
    let key = '';
    const outcome = await refreshMirror(
      state,
      listingHeldUntil(async () => {
        key = await uploadAndRecord(Buffer.from('recorded meanwhile'), 2, frozen.now, 'c.txt');
      }),
      frozen,
      { attempts: 1 },
    );
    // The listing was asked for before c.txt's PUT, so it may lack it; the row stays and says so.
    expect(outcome.lost).toEqual([]);
    expect(state.mirror.copy(key)).not.toBeNull();
    expect(state.files.get('c.txt')?.state).toBe('synced');
    expect(state.mirror.listingVersion()).toBeNull();
  });
});
