import { createHash } from 'node:crypto';
import { utimes, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { HashRequest } from '../../electron/engine/hash/hasher-pool.js';
import type { UploadCandidate } from '../../electron/engine/remote/remote-provider.js';
import { EngineHarness } from '../support/engine-harness.js';

const md5 = (content: Buffer): string => createHash('md5').update(content).digest('hex');
/** A whole second: restored exactly by utimes, so a rewrite can keep the file's stat unchanged. */
const FIXED_TIME = 1_700_000_000;

/**
 * Small files are sent as the bytes their hash was read from (issue 18, lever 1): what reaches the
 * remote is exactly what was hashed, and a file that changes between its hash and its upload is
 * still seen as changed and uploaded again, never recorded with the stale version.
 */
describe('small files sent from the read that hashed them', () => {
  let harness: EngineHarness;
  afterEach(async () => {
    await harness.close();
  });

  /** Runs `action` once, when the engine asks the remote for the ticket of `path` (before the PUT). */
  function beforeFirstTicket(path: string, action: () => Promise<void>): void {
    const provider = harness.provider;
    const prepare = provider.prepareUpload.bind(provider);
    let done = false;
    provider.prepareUpload = async (file: UploadCandidate, signal?: AbortSignal) => {
      if (file.path === path && !done) {
        done = true;
        await action();
      }
      return prepare(file, signal);
    };
  }

  it('sends the very bytes it hashed, not the file read again: a rewrite that keeps size, mtime and inode does not reach the remote', async () => {
    harness = await EngineHarness.create();
    const hashed = Buffer.from('the version that was hashed\n'.repeat(200));
    const rewritten = Buffer.from('THE VERSION THAT WAS HASHED\n'.repeat(200));
    await harness.write('notes.txt', hashed);
    const path = harness.path('notes.txt');
    await utimes(path, FIXED_TIME, FIXED_TIME);
    beforeFirstTicket('notes.txt', async () => {
      // Invisible to any stat: only reading the file again would see it.
      await writeFile(path, rewritten);
      await utimes(path, FIXED_TIME, FIXED_TIME);
    });

    const summary = await harness.runOnce();

    expect(summary.uploaded).toBe(1);
    expect(summary.unsynced).toEqual([]);
    const row = harness.state.files.get('notes.txt');
    expect(row?.state).toBe('synced');
    expect(row?.md5).toBe(md5(hashed));
    expect(await harness.storedBytes(row?.remoteKey ?? '')).toEqual(hashed);
    // One PUT, accepted: no body the remote refused for its Content-MD5.
    expect(harness.count('object.put')).toBe(1);
  });

  it('a file changed between its hash and its upload is queued again and uploaded as it is now, the hashed version never sent', async () => {
    harness = await EngineHarness.create();
    const first = Buffer.from('first version');
    const second = Buffer.from('second version, longer than the first');
    await harness.write('draft.txt', first);
    const hasher = harness.hasher;
    const hash = hasher.hash.bind(hasher);
    let changed = false;
    hasher.hash = async (request: HashRequest, signal?: AbortSignal) => {
      const result = await hash(request, signal);
      if (!changed && request.absolutePath === harness.path('draft.txt')) {
        changed = true;
        await writeFile(request.absolutePath, second);
      }
      return result;
    };

    const summary = await harness.runOnce();

    expect(changed).toBe(true);
    expect(summary.unsynced).toEqual([]);
    const row = harness.state.files.get('draft.txt');
    expect(row?.state).toBe('synced');
    expect(row?.md5).toBe(md5(second));
    expect(await harness.storedBytes(row?.remoteKey ?? '')).toEqual(second);
    expect(harness.count('object.put')).toBe(1);
  });

  it('a file changed while its held bytes are being sent is queued again at once, and its new version follows', async () => {
    harness = await EngineHarness.create();
    const first = Buffer.from('first version');
    const second = Buffer.from('second version, written while the first was on its way');
    await harness.write('live.txt', first);
    // After the uploader's stat before sending, so the first version goes out; the stat after the
    // upload sees the change.
    beforeFirstTicket('live.txt', () => writeFile(harness.path('live.txt'), second));

    const summary = await harness.runOnce();

    expect(summary.unsynced).toEqual([]);
    const row = harness.state.files.get('live.txt');
    expect(row?.state).toBe('synced');
    expect(row?.md5).toBe(md5(second));
    expect(await harness.storedBytes(row?.remoteKey ?? '')).toEqual(second);
    expect(harness.count('object.put')).toBe(2);
  });

  it('sends many small files, every one with its exact bytes, and a large one streamed beside them', async () => {
    harness = await EngineHarness.create({ settings: { concurrency: 2 } });
    const contents = new Map<string, Buffer>();
    for (let index = 0; index < 60; index++) {
      const content = Buffer.alloc(1 + index * 997, index);
      contents.set(`small/${index}.bin`, content);
      await harness.write(`small/${index}.bin`, content);
    }
    // Past SMALL_BODY_BYTES: streamed from disk.
    const large = Buffer.alloc(1024 * 1024 + 7, 0x5a);
    contents.set('large.bin', large);
    await harness.write('large.bin', large);

    const summary = await harness.runOnce();

    expect(summary.unsynced).toEqual([]);
    expect(summary.uploaded).toBe(61);
    // Stored at the size of each file, under the MD5 of its content: the remote checked every body
    // against that MD5 (Content-MD5), so it holds these very bytes.
    const listed = new Map((await harness.remote()).map((entry) => [entry.key, entry]));
    for (const [path, content] of contents) {
      const row = harness.state.files.get(path);
      expect(row?.md5).toBe(md5(content));
      expect(listed.get(row?.remoteKey ?? '')?.size).toBe(content.length);
    }
    for (const path of ['small/0.bin', 'small/59.bin', 'large.bin']) {
      const row = harness.state.files.get(path);
      expect(await harness.storedBytes(row?.remoteKey ?? '')).toEqual(contents.get(path));
    }
  }, 90_000); // 61 uploads to a server that fsyncs each: slow on a loaded machine, not a timing goal
});
