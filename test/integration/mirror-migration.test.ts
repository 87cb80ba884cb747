import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { registerFunctions } from '../../electron/base/sqlite.js';
import { MIGRATIONS } from '../../electron/engine/state/migrations.js';
import { openPairState } from '../../electron/engine/state/pair-state.js';
import { makeTempDir } from '../support/temp-dir.js';

// Migration 4 rebuilds the mirror as a rowid table with the display path kept only where it is not
// the name read with '/' for U+2215: a state DB of an earlier Hoist keeps every row it had.

describe('the mirror table of an earlier state DB', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  afterEach(async () => {
    await temp.remove();
  });

  it('is rebuilt with every row, display path and the files that point at it', async () => {
    temp = await makeTempDir('hoist-migration-');
    const file = `${temp.path}/state.db`;
    const old = new Database(file);
    for (const migration of MIGRATIONS.slice(0, 3)) old.exec(migration);
    old.pragma('user_version = 3');
    const insert = old.prepare(
      `INSERT INTO remote_files (key, name, display_path, size, last_modified, md5, sha256, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, 1)`,
    );
    insert.run('k-top', 'top.txt', 'top.txt', 3, 1000, null);
    insert.run('k-nested', 'docs\u2215a%25b.md', 'docs/a%b.md', 5, 2000, 'f'.repeat(32));
    insert.run('k-plain', 'docs\u2215plain.md', 'docs/plain.md', null, null, null);
    // An upload recorded under the local path, which is not the name decoded (a remote folder).
    insert.run('k-own', 'Notes\u2215x.md', 'x.md', 1, 3000, null);
    old
      .prepare(
        `INSERT INTO local_files (path, remote_name, size, mtime_ms, inode, state, remote_key, updated_at)
         VALUES ('x.md', 'Notes\u2215x.md', 1, 1, 1, 'synced', 'k-own', 1)`,
      )
      .run();
    old.close();

    const state = openPairState(file);
    try {
      expect(state.mirror.count()).toBe(4);
      expect(state.mirror.copy('k-nested')).toEqual({
        key: 'k-nested',
        name: 'docs\u2215a%25b.md',
        size: 5,
        lastModified: 2000,
        md5: 'f'.repeat(32),
      });
      const rows = state.browse.page({ offset: 0, limit: 10, sort: 'name' }).items;
      expect(rows.map((row) => [row.key, row.displayPath])).toEqual([
        ['k-nested', 'docs/a%b.md'],
        ['k-plain', 'docs/plain.md'],
        ['k-top', 'top.txt'],
        ['k-own', 'x.md'],
      ]);
      expect(state.files.get('x.md')?.remoteKey).toBe('k-own');
    } finally {
      state.close();
    }
    const migrated = new Database(file, { readonly: true });
    // The natural-order index (migration 5) names a function every Hoist connection registers.
    registerFunctions(migrated);
    try {
      // The name is not kept twice where the display path follows from it.
      const stored = migrated
        .prepare('SELECT key, display_path FROM remote_files ORDER BY key')
        .raw()
        .all() as Array<[string, string | null]>;
      expect(stored).toEqual([
        ['k-nested', 'docs/a%b.md'],
        ['k-own', 'x.md'],
        ['k-plain', null],
        ['k-top', null],
      ]);
      expect(migrated.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      migrated.close();
    }
  });
});
