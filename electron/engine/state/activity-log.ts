import type { ActivityEntry, ActivityKind } from '../../../shared/sync-types.js';
import type { Db } from './state-db.js';

// Enough history to explain the last few days; older entries go so the DB does not grow forever.
const KEEP_ENTRIES = 10_000;

/** What happened, when, to which file: the log the UI shows and `hoist status` summarizes. */
export class ActivityLog {
  private added = 0;

  constructor(private readonly db: Db) {}

  add(kind: ActivityKind, path: string | null, message: string, at: number, detail?: string): ActivityEntry {
    const result = this.db
      .prepare('INSERT INTO activity (at, kind, path, message, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, kind, path, message, detail ?? null);
    if (++this.added % 1000 === 0) this.trim();
    return { id: Number(result.lastInsertRowid), at, kind, path, message };
  }

  recent(limit: number): ActivityEntry[] {
    return this.db
      .prepare('SELECT id, at, kind, path, message FROM activity ORDER BY id DESC LIMIT ?')
      .all(limit) as ActivityEntry[];
  }

  private trim(): void {
    this.db.prepare('DELETE FROM activity WHERE id <= (SELECT max(id) FROM activity) - ?').run(KEEP_ENTRIES);
  }
}
