import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HasherPool,
  HasherPoolClosedError,
  type HashResult,
} from '../../electron/engine/hash/hasher-pool.js';
import { workerEntry } from '../../electron/base/worker-entry.js';
import type { StatKey } from '../../electron/engine/state/local-files.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { makeTempDir } from '../support/temp-dir.js';

const MiB = 1024 * 1024;
/** Big enough that hashing it takes a few hundred milliseconds (~500 MiB/s here). */
const BIG = 128 * MiB;

let dir: { path: string; remove: () => Promise<void> };
let pool: HasherPool;
let fileNumber = 0;

// One pool for the tests that need no pool of their own: starting a worker from the .ts sources
// (tsx) takes most of a second. Those tests count with `counter()`, not the pool's totals.
beforeAll(async () => {
  dir = await makeTempDir('hoist-hash-');
  pool = new HasherPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
  await dir.remove();
});

/** The pool's stats from now on. */
function counter(of: HasherPool = pool): () => { filesHashed: number; bytesHashed: number } {
  const start = of.stats;
  return () => ({
    filesHashed: of.stats.filesHashed - start.filesHashed,
    bytesHashed: of.stats.bytesHashed - start.bytesHashed,
  });
}

function fileWith(content: Buffer | string): string {
  const path = join(dir.path, `file-${++fileNumber}.bin`);
  writeFileSync(path, content);
  return path;
}

/** A sparse file: created instantly, takes no disk space, and reads (and hashes) at full speed. */
function bigFile(size = BIG): string {
  const path = join(dir.path, `big-${++fileNumber}.bin`);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

function statKeyOf(path: string): StatKey {
  const stats = statSync(path);
  return { size: stats.size, mtimeMs: stats.mtimeMs, inode: stats.ino };
}

function expectHashed(result: HashResult): Extract<HashResult, { status: 'hashed' }> {
  expect(result.status).toBe('hashed');
  return result as Extract<HashResult, { status: 'hashed' }>;
}

function digest(algorithm: 'md5' | 'sha256', content: Buffer): string {
  return createHash(algorithm).update(content).digest('hex');
}

/** What a promise rejected with (or its value), with the rejection handled from the start. */
function outcomeOf<T>(promise: Promise<T>): Promise<unknown> {
  return promise.then(
    (value) => value,
    (reason: unknown) => reason,
  );
}

/** Runs `action` every `ms` from now until `promise` settles; returns what the promise gave. */
async function whileRepeating<T>(promise: Promise<T>, ms: number, action: () => void): Promise<T> {
  action();
  const timer = setInterval(action, ms);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

describe('HasherPool', () => {
  it.each([
    ['0 bytes', 0],
    ['1 byte', 1],
    ['exactly 1 MiB', MiB],
    ['1 MiB + 1', MiB + 1],
    ['several MiB', 5 * MiB + 12_345],
  ])('md5 and sha256 match node:crypto for %s', async (_name, size) => {
    const content = randomBytes(size);
    const path = fileWith(content);
    const result = expectHashed(await pool.hash({ absolutePath: path, sha256: true }));
    expect(result.md5).toBe(digest('md5', content));
    expect(result.sha256).toBe(digest('sha256', content));
    expect(result.bytes).toBe(size);
    expect(result.stat).toEqual(statKeyOf(path));
  });

  it('computes no SHA-256 unless asked', async () => {
    const content = Buffer.from('hello hoist');
    const result = expectHashed(await pool.hash({ absolutePath: fileWith(content), sha256: false }));
    expect(result.md5).toBe(digest('md5', content));
    expect(result.sha256).toBeNull();
  });

  it('queues requests beyond the pool size and resolves them all', async () => {
    const contents = Array.from({ length: 12 }, (_, index) => randomBytes(index * 97_003));
    const paths = contents.map((content) => fileWith(content));
    const counted = counter();
    const results = await Promise.all(
      paths.map((absolutePath, index) => pool.hash({ absolutePath, sha256: index % 2 === 0 })),
    );
    results.forEach((result, index) => {
      const content = contents[index] as Buffer;
      const hashed = expectHashed(result);
      expect(hashed.md5).toBe(digest('md5', content));
      expect(hashed.sha256).toBe(index % 2 === 0 ? digest('sha256', content) : null);
    });
    expect(counted().filesHashed).toBe(12);
  });

  it('counts files and bytes hashed', async () => {
    const sizes = [0, 10, MiB + 3];
    const counted = counter();
    for (const size of sizes) await pool.hash({ absolutePath: fileWith(randomBytes(size)), sha256: false });
    expect(counted()).toEqual({ filesHashed: 3, bytesHashed: MiB + 13 });
  });

  describe('kept bodies (sent by the upload without reading the file again)', () => {
    it('hands back exactly the bytes hashed, from a worker, for a file within keepBodyUpTo', async () => {
      const content = randomBytes(300_000);
      const path = fileWith(content);
      const result = expectHashed(
        await pool.hash({ absolutePath: path, sha256: true, keepBodyUpTo: MiB, expected: statKeyOf(path) }),
      );
      expect(Buffer.isBuffer(result.body)).toBe(true);
      expect(result.body?.equals(content)).toBe(true);
      expect(result.md5).toBe(digest('md5', content));
      expect(result.sha256).toBe(digest('sha256', content));
    });

    it('keeps an empty file as an empty body, and nothing of a file larger than keepBodyUpTo', async () => {
      const empty = expectHashed(
        await pool.hash({ absolutePath: fileWith(''), sha256: false, keepBodyUpTo: MiB }),
      );
      expect(empty.body?.length).toBe(0);
      const larger = fileWith(randomBytes(MiB + 1));
      const result = expectHashed(
        await pool.hash({ absolutePath: larger, sha256: false, keepBodyUpTo: MiB }),
      );
      expect(result.body).toBeUndefined();
      const notAsked = expectHashed(await pool.hash({ absolutePath: fileWith('abc'), sha256: false }));
      expect(notAsked.body).toBeUndefined();
    });
  });

  describe('inline hashing of small files', () => {
    it('hashes a file within inlineUpTo on the calling thread, before hash() returns, counted like the rest', async () => {
      const inline = new HasherPool({ size: 1, inlineUpTo: 64 * 1024 });
      try {
        const count = counter(inline);
        const content = randomBytes(10_000);
        const path = fileWith(content);
        const hashing = inline.hash({
          absolutePath: path,
          sha256: false,
          keepBodyUpTo: MiB,
          expected: statKeyOf(path),
        });
        // A worker would read the file later, and find it gone.
        unlinkSync(path);
        const result = expectHashed(await hashing);
        expect(result.md5).toBe(digest('md5', content));
        expect(result.body?.equals(content)).toBe(true);
        expect(count()).toEqual({ filesHashed: 1, bytesHashed: 10_000 });
      } finally {
        await inline.close();
      }
    });

    // Not also "a small file without an expected stat": whether a warm worker opens it before the
    // test's unlink is a race (CI lost it once), so that case proved nothing either way.
    it('sends a file larger than inlineUpTo to a worker', async () => {
      const inline = new HasherPool({ size: 1, inlineUpTo: 1024 });
      try {
        const larger = fileWith(randomBytes(2048));
        const hashing = inline.hash({ absolutePath: larger, sha256: false, expected: statKeyOf(larger) });
        unlinkSync(larger);
        expect((await hashing).status).toBe('missing');
      } finally {
        await inline.close();
      }
    });

    it('reports a small file that changed since its expected stat as changed, reading nothing', async () => {
      const inline = new HasherPool({ size: 1, inlineUpTo: 64 * 1024 });
      try {
        const count = counter(inline);
        const path = fileWith('before');
        const expected = statKeyOf(path);
        appendFileSync(path, ' and after');
        expect(await inline.hash({ absolutePath: path, sha256: false, expected })).toEqual({
          status: 'changed',
        });
        expect(count()).toEqual({ filesHashed: 0, bytesHashed: 0 });
      } finally {
        await inline.close();
      }
    });
  });

  describe('changed files', () => {
    it('reports a stat that differs from `expected` as changed without reading it', async () => {
      const path = fileWith(randomBytes(3 * MiB));
      const actual = statKeyOf(path);
      const counted = counter();
      for (const expected of [
        { ...actual, size: actual.size + 1 },
        { ...actual, mtimeMs: actual.mtimeMs - 1000 },
        { ...actual, inode: actual.inode + 1 },
      ]) {
        expect(await pool.hash({ absolutePath: path, sha256: true, expected })).toEqual({
          status: 'changed',
        });
      }
      expect(counted().bytesHashed).toBe(0);

      expectHashed(await pool.hash({ absolutePath: path, sha256: false, expected: actual }));
      expect(counted().bytesHashed).toBe(3 * MiB);
    });

    it('reports a file appended to while it is read as changed', async () => {
      const path = bigFile();
      const counted = counter();
      // Appending every 2 ms from before the request until its answer means some append lands
      // while the worker reads (which takes a few hundred ms), whatever the scheduling. Only a
      // stall of this thread for the whole read could make that false, hence the retries; a
      // pool that does not check the stat after reading answers 'hashed' every time and fails.
      const results: HashResult[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await whileRepeating(pool.hash({ absolutePath: path, sha256: false }), 2, () =>
          appendFileSync(path, 'x'),
        );
        results.push(result);
        if (result.status === 'changed') break;
      }
      expect(results.at(-1)).toEqual({ status: 'changed' });
      // It was really read, not refused up front.
      expect(counted().bytesHashed).toBeGreaterThanOrEqual(BIG);
    });

    it('reports a file replaced by a rename while it is read as changed', async () => {
      const path = bigFile();
      // A new inode renamed over the path every 2 ms: whichever inode the worker opened, the path
      // names another one when the read ends (see the append test for the retries).
      const results: HashResult[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await whileRepeating(pool.hash({ absolutePath: path, sha256: false }), 2, () =>
          renameSync(bigFile(), path),
        );
        results.push(result);
        if (result.status === 'changed') break;
      }
      expect(results.at(-1)).toEqual({ status: 'changed' });
    });

    it('reports a file replaced since it was stat-ed as changed (new inode)', async () => {
      const path = fileWith('old content');
      const expected = statKeyOf(path);
      const replacement = fileWith('new content');
      renameSync(replacement, path);
      const counted = counter();
      expect(await pool.hash({ absolutePath: path, sha256: false, expected })).toEqual({ status: 'changed' });
      expect(counted().bytesHashed).toBe(0);
    });
  });

  describe('files that cannot be hashed', () => {
    it('reports a missing file as missing', async () => {
      expect(await pool.hash({ absolutePath: join(dir.path, 'nope.txt'), sha256: false })).toEqual({
        status: 'missing',
      });
      // A folder on the way that is now a file (ENOTDIR) means the file is gone too.
      const file = fileWith('x');
      expect(await pool.hash({ absolutePath: join(file, 'child.txt'), sha256: false })).toEqual({
        status: 'missing',
      });
    });

    it('reports a folder as unreadable, naming it', async () => {
      const folder = join(dir.path, `folder-${++fileNumber}`);
      mkdirSync(folder);
      const result = await pool.hash({ absolutePath: folder, sha256: false });
      expect(result).toMatchObject({ status: 'unreadable', code: 'EISDIR' });
      expect((result as { message: string }).message).toContain(folder);
    });

    // A file without read permission (EACCES) is covered end to end in cli-sync.test.ts, which drops
    // root's capability to read anything so chmod 000 holds there too.

    it('reports a FIFO as unreadable instead of blocking the worker', async (context) => {
      if (process.platform === 'win32') context.skip();
      const fifo = join(dir.path, `fifo-${++fileNumber}`);
      execFileSync('mkfifo', [fifo]);
      const result = await pool.hash({ absolutePath: fifo, sha256: false });
      expect(result).toMatchObject({ status: 'unreadable', code: 'ENOTREG' });
      expect((result as { message: string }).message).toContain(fifo);
    });
  });

  describe('abort, close and crashes', () => {
    it('removes an aborted request from the queue without hashing it', async () => {
      const single = new HasherPool({ size: 1 });
      try {
        const running = single.hash({ absolutePath: bigFile(), sha256: false });
        const controller = new AbortController();
        const queued = single.hash(
          { absolutePath: fileWith(randomBytes(1000)), sha256: false },
          controller.signal,
        );
        controller.abort();
        await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
        expectHashed(await running);
        // Give a (wrongly) dispatched request time to be answered before counting.
        await single.hash({ absolutePath: fileWith(''), sha256: false });
        expect(single.stats).toEqual({ filesHashed: 2, bytesHashed: BIG });
      } finally {
        await single.close();
      }
    });

    it('shares one abort listener among the requests of one signal, and removes it', async () => {
      const single = new HasherPool({ size: 1 });
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => {
        warnings.push(warning);
      };
      process.on('warning', onWarning);
      try {
        const controller = new AbortController();
        const outcomes = [
          outcomeOf(single.hash({ absolutePath: bigFile(), sha256: false }, controller.signal)),
          ...Array.from({ length: 50 }, () =>
            outcomeOf(single.hash({ absolutePath: fileWith('q'), sha256: false }, controller.signal)),
          ),
        ];
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
        controller.abort();
        for (const outcome of outcomes) expect(await outcome).toMatchObject({ name: 'AbortError' });
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

        const other = new AbortController();
        expectHashed(await single.hash({ absolutePath: fileWith('done'), sha256: false }, other.signal));
        expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
        await new Promise((done) => setImmediate(done));
        expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
      } finally {
        process.off('warning', onWarning);
        await single.close();
      }
    });

    it('rejects at once when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('not wanted any more'));
      const counted = counter();
      await expect(
        pool.hash({ absolutePath: fileWith('x'), sha256: false }, controller.signal),
      ).rejects.toThrow('not wanted any more');
      expect(counted().bytesHashed).toBe(0);
    });

    it('drops the result of a running request that is aborted, and keeps working', async () => {
      const single = new HasherPool({ size: 1 });
      try {
        const controller = new AbortController();
        const running = single.hash({ absolutePath: bigFile(), sha256: false }, controller.signal);
        controller.abort();
        await expect(running).rejects.toMatchObject({ name: 'AbortError' });
        const content = randomBytes(777);
        const next = expectHashed(await single.hash({ absolutePath: fileWith(content), sha256: false }));
        expect(next.md5).toBe(digest('md5', content));
        // The aborted read finished in its worker before the next one started.
        expect(single.stats.bytesHashed).toBe(BIG + 777);
      } finally {
        await single.close();
      }
    });

    it('close() rejects running and queued requests, and later ones', async () => {
      const single = new HasherPool({ size: 1 });
      const running = outcomeOf(single.hash({ absolutePath: bigFile(), sha256: false }));
      const queued = outcomeOf(single.hash({ absolutePath: fileWith('x'), sha256: false }));
      await single.close();
      expect(await running).toBeInstanceOf(HasherPoolClosedError);
      expect(await queued).toBeInstanceOf(HasherPoolClosedError);
      expect(String(await queued)).toMatch(/closed before ".*file-\d+\.bin" was hashed/);
      await expect(single.hash({ absolutePath: fileWith('y'), sha256: false })).rejects.toBeInstanceOf(
        HasherPoolClosedError,
      );
      await single.close(); // idempotent
    });

    it('rejects the request of a worker that dies, and replaces the worker', async () => {
      const single = new HasherPool({ size: 1 });
      try {
        const running = outcomeOf(single.hash({ absolutePath: bigFile(), sha256: false }));
        const queued = single.hash({ absolutePath: fileWith('after the crash'), sha256: false });
        // Reach into the pool to kill its worker: nothing a caller can do makes a worker crash.
        const slots = [...(single as unknown as { slots: Set<{ worker: Worker }> }).slots];
        expect(slots).toHaveLength(1);
        await slots[0]?.worker.terminate();

        const error = await running;
        expect(error).toBeInstanceOf(SyncError);
        expect(error).toMatchObject({ category: 'local-file', retryable: true });
        expect((error as Error).message).toMatch(
          /Could not hash ".*big-\d+\.bin": the hashing worker stopped/,
        );
        expect(expectHashed(await queued).md5).toBe(digest('md5', Buffer.from('after the crash')));
      } finally {
        await single.close();
      }
    });
  });

  it('starts the worker from .ts with a TypeScript loader only when running from sources', () => {
    const fromSource = workerEntry('file:///repo/electron/engine/hash/hasher-pool.ts', 'hash-worker');
    expect(fromSource.url.href).toBe('file:///repo/electron/engine/hash/hash-worker.ts');
    expect(fromSource.execArgv?.[0]).toBe('--import');
    const built = workerEntry('file:///repo/dist/electron/engine/hash/hasher-pool.js', 'hash-worker');
    expect(built).toEqual({ url: new URL('file:///repo/dist/electron/engine/hash/hash-worker.js') });
  });

  it('rejects a pool size below 1', () => {
    expect(() => new HasherPool({ size: 0 })).toThrow(RangeError);
  });
});
