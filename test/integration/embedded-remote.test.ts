import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { startEmbeddedRemote, type EmbeddedRemoteThread } from '../../electron/host/embedded-remote.js';
import { openPair } from '../../electron/host/open-pair.js';
import { makeTempDir } from '../support/temp-dir.js';

// The embedded remote on its own thread (apps, watching) or on the caller's (`hoist sync --once`):
// the same server either way, told apart by whose event loop holds its listening socket.

let temp: { path: string; remove: () => Promise<void> };

beforeEach(async () => {
  temp = await makeTempDir('hoist-embedded-remote-');
});

afterEach(async () => {
  await temp.remove();
});

/** Listening sockets on this thread's event loop (a worker's are not among them). */
function listeningSocketsHere(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
}

/** The remote's listing through the provider every host uses: proves it answers, with this token. */
async function listedNames(url: string, token: string): Promise<string[]> {
  const provider = await createProvider({ kind: 'local', baseUrl: url, token });
  try {
    return (await provider.list()).map((entry) => entry.name);
  } finally {
    await provider.close();
  }
}

describe('startEmbeddedRemote', () => {
  const cases: Array<[EmbeddedRemoteThread, number]> = [
    ['own-thread', 0],
    ['this-thread', 1],
  ];
  it.each(cases)(
    'on %s: serves the sync API, and listens on this thread %i time(s)',
    async (thread, here) => {
      const before = listeningSocketsHere();
      const remote = await startEmbeddedRemote(
        { dataDir: join(temp.path, 'remote'), token: 'tok-123456' },
        thread,
      );
      try {
        expect(listeningSocketsHere() - before).toBe(here);
        expect(await listedNames(remote.url, 'tok-123456')).toEqual([]);
        await expect(listedNames(remote.url, 'another-token')).rejects.toThrow();
      } finally {
        await remote.close();
      }
      // Closed: nothing answers at its address any more.
      await expect(listedNames(remote.url, 'tok-123456')).rejects.toThrow();
      // Closing twice is closing once.
      await remote.close();
    },
  );

  it.each(cases)('on %s: a data directory it cannot use is a clear failure, not a hang', async (thread) => {
    const notADirectory = join(temp.path, 'file');
    await writeFile(notADirectory, 'x');
    await expect(
      startEmbeddedRemote({ dataDir: join(notADirectory, 'remote'), token: 'tok-123456' }, thread),
    ).rejects.toThrow(/^The embedded remote failed: /);
  });
});

describe('openPair with the embedded remote', () => {
  it('runs it on the thread the caller asks for (hoist sync --once asks for its own)', async () => {
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    // Own thread first: a closed server's handle can stay listed here for a moment after close.
    for (const thread of ['own-thread', 'this-thread'] as const) {
      const before = listeningSocketsHere();
      const pair = await openPair(
        { folder, provider: 'local', stateRoot: join(temp.path, `state-${thread}`) },
        { embeddedThread: thread },
      );
      try {
        expect(listeningSocketsHere() - before).toBe(thread === 'this-thread' ? 1 : 0);
        expect(await pair.parts.provider.list()).toEqual([]);
      } finally {
        await pair.close();
      }
    }
  });
});
