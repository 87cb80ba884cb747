import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../electron/base/sqlite.js';
import type { UploadTicket } from '../../electron/engine/remote/remote-provider.js';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { EngineHarness } from '../support/engine-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

// Issue 18, lever 2: the engine's writes to a pair's state are committed in groups, and nothing
// changes on the remote before what was written until then is committed (state/group-commit.ts,
// engine/commit-before-remote.ts). Real SQLite files, read back through a second connection the way
// another process (or the next start after a SIGKILL) would see them.

let temp: { path: string; remove: () => Promise<void> };
let state: PairState | null = null;

beforeEach(async () => {
  temp = await makeTempDir('hoist-group-commit-');
});

afterEach(async () => {
  state?.close();
  state = null;
  await temp.remove();
});

const STAT = { size: 10, mtimeMs: 1_000, inode: 1 };

/** What another connection sees committed: the paths of local_files, sorted. */
function committedPaths(file: string): string[] {
  const reader = new Database(file, { readonly: true });
  try {
    return (reader.prepare('SELECT path FROM local_files ORDER BY path').pluck().all() as string[]).sort();
  } finally {
    reader.close();
  }
}

function seen(opened: PairState, paths: string[]): void {
  for (const path of paths) opened.files.markSeen(path, path, STAT, 1_000);
}

describe('group commit of the state DB', () => {
  it('holds writes in one group until it is committed; this connection sees them at once', async () => {
    const file = join(temp.path, 'state.db');
    state = openPairState(file);
    // A long delay: only the barrier commits here.
    state.groupCommits({ maxDelayMs: 60_000, maxWrites: 1_000_000 });
    const paths = Array.from({ length: 100 }, (_, index) => `f${String(index).padStart(3, '0')}.txt`);
    seen(state, paths);
    state.activity.add('info', null, 'grouped', 1_000);

    expect(state.files.trackedCount()).toBe(100);
    expect(committedPaths(file)).toEqual([]);
    await state.committed();
    expect(committedPaths(file)).toEqual(paths);
  });

  it('a send waits for the writes until its file was ready, not for those made while it waited', async () => {
    const file = join(temp.path, 'state.db');
    state = openPairState(file);
    state.groupCommits({ maxDelayMs: 60_000, maxWrites: 1_000_000 });
    seen(state, ['x.txt']);
    state.readyToSend('x.txt');
    seen(state, ['y.txt']);
    state.readyToSend('y.txt');
    // x's send: its mark is not committed yet, so the group is, with everything in it.
    await state.committedForSend('x.txt');
    expect(committedPaths(file)).toEqual(['x.txt', 'y.txt']);
    // Written while y waited for its turn: y's send does not wait for it, nor commit it.
    seen(state, ['w.txt']);
    await state.committedForSend('y.txt');
    expect(committedPaths(file)).toEqual(['x.txt', 'y.txt']);
    // A send whose upload said nothing waits for everything written until then.
    await state.committedForSend('z.txt');
    expect(committedPaths(file)).toEqual(['w.txt', 'x.txt', 'y.txt']);
  });

  it('commits a group by itself after its delay, and what is left when the state closes', async () => {
    const file = join(temp.path, 'state.db');
    state = openPairState(file);
    state.groupCommits({ maxDelayMs: 10, maxWrites: 1_000_000 });
    seen(state, ['a.txt']);
    const deadline = Date.now() + 10_000;
    while (committedPaths(file).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(committedPaths(file)).toEqual(['a.txt']);

    state.groupCommits({ maxDelayMs: 60_000, maxWrites: 1_000_000 });
    seen(state, ['b.txt']);
    expect(committedPaths(file)).toEqual(['a.txt']);
    state.close();
    state = null;
    expect(committedPaths(file)).toEqual(['a.txt', 'b.txt']);
  });

  it('after a SQLite error the open group is dropped whole, and no write or remote change is let through', async () => {
    const file = join(temp.path, 'state.db');
    state = openPairState(file);
    state.groupCommits({ maxDelayMs: 60_000, maxWrites: 1_000_000 });
    seen(state, ['a.txt']);
    await state.committed();
    // Another connection makes one particular write fail, the way a full disk fails any write.
    const other = new Database(file);
    other.exec(
      `CREATE TRIGGER refuse AFTER INSERT ON local_files WHEN new.path = 'poison.txt'
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    other.close();

    seen(state, ['b.txt']);
    expect(() => seen(state as PairState, ['poison.txt'])).toThrow(/refused by the test/);
    expect(state.failure?.reason).toBe('state-unusable');
    await expect(state.committed()).rejects.toThrow(/refused by the test/);
    expect(() => seen(state as PairState, ['c.txt'])).toThrow(/refused by the test/);
    state.close();
    state = null;
    // b.txt was written before the failure but never committed: the state on disk is the one of
    // before it, as after a crash at that instant.
    expect(committedPaths(file)).toEqual(['a.txt']);
  });

  it('the upload queue is read from the state index alone (its MD5 included)', () => {
    const file = join(temp.path, 'state.db');
    state = openPairState(file);
    const db = openSqlite(file, { readonly: true });
    try {
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT path, md5 FROM local_files WHERE state = 'hashed' ORDER BY path LIMIT 9",
        )
        .all() as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail)).toEqual([
        'SEARCH local_files USING COVERING INDEX local_files_by_state (state=?)',
      ]);
    } finally {
      db.close();
    }
  });
});

describe('the engine with grouped commits', () => {
  let harness: EngineHarness | null = null;

  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('every body is sent only once its file’s sending mark is committed; the run ends all committed', async () => {
    harness = await EngineHarness.create();
    const paths = Array.from({ length: 24 }, (_, index) => `f${index}.txt`);
    for (const path of paths) await harness.write(path, `content of ${path}`);
    const file = harness.state.file;
    const reader = new Database(file, { readonly: true });
    const sentKeyOf = reader.prepare('SELECT sent_key FROM local_files WHERE path = ?').pluck();
    const marksAtSend: Array<[string, string | null, string | null]> = [];
    // The engine calls the provider it was given, through its commit barrier; what another
    // connection sees committed at the instant of each send is what a SIGKILL there would leave.
    const provider = harness.provider;
    const send = provider.send.bind(provider);
    provider.send = (ticket: Extract<UploadTicket, { kind: 'send' }>, candidate, body, signal) => {
      marksAtSend.push([candidate.path, ticket.key, sentKeyOf.get(candidate.path) as string | null]);
      return send(ticket, candidate, body, signal);
    };
    try {
      const summary = await harness.runOnce();
      expect(summary.uploaded).toBe(paths.length);
      expect(marksAtSend).toHaveLength(paths.length);
      for (const [, key, committedMark] of marksAtSend) {
        expect(key).not.toBeNull();
        expect(committedMark).toBe(key);
      }
      // The run over: another process sees every file synced.
      const states = reader.prepare('SELECT state, count(*) AS n FROM local_files GROUP BY state').all();
      expect(states).toEqual([{ state: 'synced', n: paths.length }]);
    } finally {
      reader.close();
    }
  });
});
