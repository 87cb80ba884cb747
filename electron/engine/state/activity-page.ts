import type { ActivityPage, ActivityQuery } from '../../../shared/remote-browse.js';
import type { ActivityEntry } from '../../../shared/sync-types.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';

/** The activity log as the UI pages it: newest first, filtered by kind, searched in path and message. */
export class ActivityPages {
  private readonly sql: StatementCache;

  constructor(db: Db) {
    this.sql = new StatementCache(db);
  }

  page(query: ActivityQuery): ActivityPage {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.kinds !== undefined && query.kinds.length > 0) {
      // Kinds come validated from a fixed list; bound as parameters all the same.
      where.push(`kind IN (${query.kinds.map((_, index) => `@kind${index}`).join(', ')})`);
      query.kinds.forEach((kind, index) => (params[`kind${index}`] = kind));
    }
    if (query.search !== undefined && query.search.trim() !== '') {
      where.push("(coalesce(path, '') || ' ' || message) LIKE @search ESCAPE '\\' COLLATE NOCASE");
      params.search = `%${query.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.sql.get(`SELECT count(*) AS n FROM activity ${clause}`).get(params) as { n: number })
      .n;
    const items = this.sql
      .get(
        `SELECT id, at, kind, path, message FROM activity ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: query.limit, offset: query.offset }) as ActivityEntry[];
    return { items, total };
  }
}
