import type {
  RemoteBrowsePage,
  RemoteBrowseQuery,
  RemoteFileRow,
  RemoteFileStatus,
  RemoteFilter,
  RemoteSelection,
  RemoteSelectionSummary,
} from '../../../shared/remote-browse.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';
import { displayPathSql } from './staged-listing.js';

// The display path of the mirror row `r`: the indexed expression, so sorting by name uses the index.
const R_DISPLAY_PATH = displayPathSql('r');

const SORT_COLUMNS = {
  name: `${R_DISPLAY_PATH} COLLATE NOCASE`,
  size: 'r.size',
  lastModified: 'r.last_modified',
} as const;

// The local file a remote copy belongs to: a live one before a deleted one (content dedupe lets
// several share one copy). Correlated on the remote_key index, so a page joins only its own rows.
const LOCAL_OF = (column: string): string =>
  `(SELECT ${column} FROM local_files WHERE remote_key = r.key ORDER BY state = 'deleted', path LIMIT 1)`;

const FILTERS: Record<RemoteFilter, string | null> = {
  all: null,
  'this-folder': 'EXISTS (SELECT 1 FROM local_files WHERE remote_key = r.key)',
  'remote-only': 'NOT EXISTS (SELECT 1 FROM local_files WHERE remote_key = r.key)',
  'deleted-locally': `EXISTS (SELECT 1 FROM local_files WHERE remote_key = r.key AND state = 'deleted')
    AND NOT EXISTS (SELECT 1 FROM local_files WHERE remote_key = r.key AND state <> 'deleted')`,
};

const STATUS_OF_LOCAL: Record<string, RemoteFileStatus> = {
  synced: 'synced',
  uploading: 'uploading',
  pending: 'queued',
  hashed: 'queued',
  retrying: 'queued',
  deleted: 'deleted-locally',
  conflict: 'conflict',
  failed: 'failed',
};

interface Row {
  key: string;
  name: string;
  display_path: string;
  size: number | null;
  last_modified: number | null;
  local_path: string | null;
  local_state: string | null;
}

/**
 * The browse view of the remote mirror: filtered by origin, searched and sorted in SQLite, each row
 * joined with its local file's state, plus selections described by a query rather than a key list.
 * Read-only; the mirror's writers stay in remote-mirror.ts.
 */
export class RemoteBrowse {
  private readonly sql: StatementCache;

  constructor(db: Db) {
    this.sql = new StatementCache(db);
  }

  page(query: RemoteBrowseQuery): RemoteBrowsePage {
    const { clause, params } = whereOf(query.search, query.filter ?? 'all');
    const order = `${SORT_COLUMNS[query.sort ?? 'name']} ${query.descending ? 'DESC' : 'ASC'}, r.key`;
    const total = (
      this.sql.get(`SELECT count(*) AS n FROM remote_files r ${clause}`).get(params) as { n: number }
    ).n;
    const rows = this.sql
      .get(
        `SELECT r.key, r.name, ${R_DISPLAY_PATH} AS display_path, r.size, r.last_modified,
                ${LOCAL_OF('path')} AS local_path, ${LOCAL_OF('state')} AS local_state
         FROM remote_files r ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: query.limit, offset: query.offset }) as Row[];
    return { items: rows.map(toRow), total };
  }

  /** The keys a selection names (for a query: every matching key, read as one column). */
  keys(selection: RemoteSelection): string[] {
    if (selection.kind === 'keys') return [...new Set(selection.keys)];
    const { clause, params } = whereOf(selection.search, selection.filter ?? 'all');
    const except = new Set(selection.exceptKeys ?? []);
    const keys = this.sql
      .get(`SELECT r.key FROM remote_files r ${clause} ORDER BY ${R_DISPLAY_PATH} COLLATE NOCASE, r.key`)
      .pluck()
      .all(params) as string[];
    return except.size === 0 ? keys : keys.filter((key) => !except.has(key));
  }

  /** What deleting a selection means: how many, how big, how many will upload again, how many are others'. */
  summary(selection: RemoteSelection): RemoteSelectionSummary {
    const keys = this.keys(selection);
    const info = this.sql.get(
      `SELECT r.size AS size, EXISTS (SELECT 1 FROM local_files WHERE remote_key = r.key) AS ours
       FROM remote_files r WHERE r.key = ?`,
    );
    const live = this.sql.get(
      `SELECT path FROM local_files WHERE remote_key = ? AND state <> 'deleted' ORDER BY path LIMIT 1`,
    );
    const summary: RemoteSelectionSummary = {
      count: 0,
      bytes: 0,
      stillInFolder: 0,
      stillInFolderPaths: [],
      notFromThisFolder: 0,
    };
    for (const key of keys) {
      const row = info.get(key) as { size: number | null; ours: number } | undefined;
      if (!row) continue;
      summary.count++;
      summary.bytes += row.size ?? 0;
      if (row.ours === 0) summary.notFromThisFolder++;
      const path = live.pluck().get(key) as string | undefined;
      if (path !== undefined) {
        summary.stillInFolder++;
        if (summary.stillInFolderPaths.length < 50) summary.stillInFolderPaths.push(path);
      }
    }
    return summary;
  }
}

function whereOf(search: string | undefined, filter: RemoteFilter): { clause: string; params: object } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (search !== undefined && search.trim() !== '') {
    where.push(`${R_DISPLAY_PATH} LIKE @search ESCAPE '\\' COLLATE NOCASE`);
    params.search = `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const condition = FILTERS[filter];
  if (condition !== null) where.push(condition);
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

function toRow(row: Row): RemoteFileRow {
  return {
    key: row.key,
    name: row.name,
    displayPath: row.local_path ?? row.display_path,
    size: row.size,
    lastModified: row.last_modified,
    origin: row.local_path !== null ? 'this-folder' : 'elsewhere',
    deletedLocally: row.local_state === 'deleted',
    status: row.local_state === null ? 'remote-only' : (STATUS_OF_LOCAL[row.local_state] ?? 'queued'),
  };
}
