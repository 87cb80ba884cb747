import type { ActivityEntry, ActivityKind } from '../../../shared/sync-types.js';
import { escapeFileName } from '../../../shared/file-name-bytes.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';

// Enough history to explain the last few days; older entries go so the DB does not grow forever.
const KEEP_ENTRIES = 10_000;

/** What happened, when, to which file: the log the UI shows and `hoist status` summarizes. */
export class ActivityLog {
  private added = 0;

  private readonly sql: StatementCache;

  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  add(kind: ActivityKind, path: string | null, message: string, at: number, detail?: string): ActivityEntry {
    // The log is for people, and SQLite text cannot hold the bytes of a name that are not UTF-8
    // (they would come back as U+FFFD): stored as `\xNN` (shared/file-name-bytes.ts). The event
    // keeps the exact path; a terminal prints it escaped the same way.
    const result = this.sql
      .get('INSERT INTO activity (at, kind, path, message, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, kind, path === null ? null : escapeFileName(path), message, detail ?? null);
    if (++this.added % 1000 === 0) this.trim();
    return { id: Number(result.lastInsertRowid), at, kind, path, message };
  }

  recent(limit: number): ActivityEntry[] {
    return this.sql
      .get('SELECT id, at, kind, path, message FROM activity ORDER BY id DESC LIMIT ?')
      .all(limit) as ActivityEntry[];
  }

  private trim(): void {
    this.sql.get('DELETE FROM activity WHERE id <= (SELECT max(id) FROM activity) - ?').run(KEEP_ENTRIES);
  }
}
