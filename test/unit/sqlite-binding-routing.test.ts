import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, useSqliteNativeBinding } from '../../electron/base/sqlite.js';

// The desktop core names the Electron build of better-sqlite3 once; every database Hoist opens
// (state, catalog, lock) must then load that build. No Electron here: the Node build, named
// explicitly, stands in for it, and a path that does not exist shows the choice is really used.

const nodeBuild = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

afterEach(() => useSqliteNativeBinding(null));

describe('openSqlite', () => {
  it('loads the build it is told to, and the default one otherwise', () => {
    useSqliteNativeBinding(nodeBuild);
    const named = openSqlite(':memory:');
    expect(named.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    named.close();

    useSqliteNativeBinding('/nonexistent/electron/better_sqlite3.node');
    expect(() => openSqlite(':memory:')).toThrow(/nonexistent/);

    useSqliteNativeBinding(null);
    const plain = openSqlite(':memory:');
    expect(plain.prepare('SELECT 2 AS two').get()).toEqual({ two: 2 });
    plain.close();
  });
});
