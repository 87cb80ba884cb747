import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StatementCache } from '../../electron/base/statement-cache.js';

const open: Database.Database[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('StatementCache', () => {
  it('prepares each SQL text once and hands back the same statement', () => {
    const db = new Database(':memory:');
    open.push(db);
    let prepared = 0;
    const counting = new Proxy(db, {
      get: (target, name) =>
        name === 'prepare'
          ? (sql: string) => {
              prepared += 1;
              return target.prepare(sql);
            }
          : Reflect.get(target, name, target),
    });
    const sql = new StatementCache(counting);
    sql.get('CREATE TABLE t (n INTEGER)').run();
    const insert = sql.get('INSERT INTO t (n) VALUES (?)');
    for (let n = 0; n < 5; n++) sql.get('INSERT INTO t (n) VALUES (?)').run(n);
    expect(sql.get('INSERT INTO t (n) VALUES (?)')).toBe(insert);
    expect(sql.get('SELECT count(*) FROM t').pluck().get()).toBe(5);
    expect(prepared).toBe(3);
  });
});
