import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { ownershipConflict } from '../../electron/engine/upload/ownership-guard.js';
import type { LocalFile } from '../../electron/engine/state/local-files.js';
import { makeTempDir } from '../support/temp-dir.js';

// The rule on a real state DB: which tickets may be sent, given what the mirror lists and what the
// file recorded as its own copy. No network: the ticket stands for the remote's answer.

let temp: { path: string; remove: () => Promise<void> };
let state: PairState;

beforeEach(async () => {
  temp = await makeTempDir('hoist-guard-');
  state = openPairState(`${temp.path}/state.db`);
});

afterEach(async () => {
  state.close();
  await temp.remove();
});

function fileWith(overrides: Partial<LocalFile>): LocalFile {
  state.files.markSeen('a.txt', 'a.txt', { size: 4, mtimeMs: 1, inode: 1 }, 0);
  return { ...(state.files.get('a.txt') as LocalFile), ...overrides };
}

const send = (key: string | null, replaces?: boolean) => ({
  kind: 'send' as const,
  key,
  target: null,
  ...(replaces === undefined ? {} : { replaces }),
});

describe('ownershipConflict', () => {
  it('lets a new name through, and a key the remote picks (Open WebUI)', () => {
    const file = fileWith({});
    expect(ownershipConflict(state.mirror, file, send('u_a.txt'))).toBeNull();
    expect(ownershipConflict(state.mirror, file, send(null, true))).toBeNull();
  });

  it('refuses a key the remote says exists (Composio "update") that the mirror does not know', () => {
    const file = fileWith({});
    expect(ownershipConflict(state.mirror, file, send('u_a.txt', true))).toMatchObject({
      kind: 'name-taken',
      key: 'u_a.txt',
    });
    // Unless it is the key this folder uploaded to.
    const ours = fileWith({ remoteKey: 'u_a.txt', remoteOwned: true });
    expect(ownershipConflict(state.mirror, ours, send('u_a.txt', true))).toBeNull();
  });

  it('refuses a listed object that is not this file’s own copy, or no longer as recorded', () => {
    state.mirror.upsertOne(
      { key: 'u_a.txt', name: 'a.txt', size: 9, lastModified: 1000, md5: null, sha256: null },
      'a.txt',
      0,
    );
    expect(ownershipConflict(state.mirror, fileWith({}), send('u_a.txt'))).toMatchObject({
      kind: 'name-taken',
    });
    const ours = { remoteKey: 'u_a.txt', remoteOwned: true, syncedSize: 9, syncedRemoteModified: 1000 };
    expect(ownershipConflict(state.mirror, fileWith(ours), send('u_a.txt'))).toBeNull();
    expect(
      ownershipConflict(state.mirror, fileWith({ ...ours, syncedSize: 8 }), send('u_a.txt')),
    ).toMatchObject({
      kind: 'replaced-on-remote',
    });
    expect(
      ownershipConflict(state.mirror, fileWith({ ...ours, syncedRemoteModified: 999 }), send('u_a.txt')),
    ).toMatchObject({ kind: 'replaced-on-remote' });
    // Found by content dedupe (not owned): never replaced either.
    expect(
      ownershipConflict(state.mirror, fileWith({ ...ours, remoteOwned: false }), send('u_a.txt')),
    ).not.toBeNull();
  });
});
