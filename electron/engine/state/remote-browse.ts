import {
  folderRowKey,
  type RemoteBrowsePage,
  type RemoteBrowseQuery,
  type RemoteFileRow,
  type RemoteFileStatus,
  type RemoteFilter,
  type RemoteProcessingView,
  type RemoteSelection,
  type RemoteSelectionSummary,
} from '../../../shared/remote-browse.js';
import type { Db } from './state-db.js';
import { StatementCache } from '../../base/statement-cache.js';
import { displayPathSql } from './staged-listing.js';
import { folderClauses, listFolders, type FolderRow } from './remote-folders.js';

// The display path of the mirror row `r`; sorted by its natural key, the expression the index
// `remote_files_by_natural_path` holds (migrations.ts), so a sorted page is read off the index.
const R_DISPLAY_PATH = displayPathSql('r');
const R_NATURAL_PATH = `natural_key(${R_DISPLAY_PATH})`;

const SORT_COLUMNS = {
  name: R_NATURAL_PATH,
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

const PROCESSING_STATUSES = new Set<string>(['pending', 'completed', 'failed']);

interface Row {
  key: string;
  name: string;
  display_path: string;
  size: number | null;
  last_modified: number | null;
  processing: string | null;
  processing_error: string | null;
  local_path: string | null;
  local_state: string | null;
}

/** Where a query looks: everywhere (flat), or directly in one folder (the folder view, no search). */
interface Scope {
  clause: string;
  params: Record<string, unknown>;
  /** The folder view's folder, or null for the flat list. */
  folder: string | null;
}

/**
 * The browse view of the remote mirror: filtered by origin, searched and sorted in SQLite, each row
 * joined with its local file's state, as a flat list or one folder at a time, plus selections
 * described by a query rather than a key list. Read-only; the mirror's writers stay in remote-mirror.ts.
 */
export class RemoteBrowse {
  private readonly sql: StatementCache;
  /**
   * The folder view's subfolders as last computed, and for which query and state of the DB: each
   * page of a scroll through one folder asks again, and grouping 21,000 paths costs ~50 ms a time.
   */
  private folders: { query: string; stamp: string; rows: FolderRow[] } | null = null;

  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  page(query: RemoteBrowseQuery): RemoteBrowsePage {
    const scope = scopeOf(query);
    const descending = query.descending ?? false;
    const folders = scope.folder === null ? [] : this.foldersIn(scope.folder, query, descending);
    const order = `${SORT_COLUMNS[query.sort ?? 'name']} ${descending ? 'DESC' : 'ASC'}, r.key`;
    const files = (
      this.sql.get(`SELECT count(*) AS n FROM remote_files r ${scope.clause}`).get(scope.params) as {
        n: number;
      }
    ).n;
    // Folders first, then files: a page may hold the end of one and the start of the other.
    const folderRows = folders.slice(query.offset, query.offset + query.limit).map(toFolderRow);
    const fileOffset = Math.max(0, query.offset - folders.length);
    const fileLimit = query.limit - folderRows.length;
    const rows =
      fileLimit <= 0
        ? []
        : (this.sql
            .get(
              `SELECT r.key, r.name, ${R_DISPLAY_PATH} AS display_path, r.size, r.last_modified,
                r.processing, r.processing_error,
                ${LOCAL_OF('path')} AS local_path, ${LOCAL_OF('state')} AS local_state
               FROM remote_files r ${scope.clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
            )
            .all({ ...scope.params, limit: fileLimit, offset: fileOffset }) as Row[]);
    return { items: [...folderRows, ...rows.map(toRow)], total: folders.length + files };
  }

  /** The keys a selection names (for a query: every matching key, read as one column). */
  keys(selection: RemoteSelection): string[] {
    const filter = selection.filter ?? 'all';
    if (selection.kind === 'keys') {
      const underFolders = (selection.folders ?? []).flatMap((folder) =>
        this.matchingKeys('', folder, filter),
      );
      return [...new Set([...selection.keys, ...underFolders])];
    }
    const search = selection.search?.trim() ?? '';
    // The folder view's "all": what is under the folder (files directly in it and its subfolders').
    const keys = this.matchingKeys(search, search === '' ? (selection.folder ?? '') : '', filter);
    const exceptKeys = new Set(selection.exceptKeys ?? []);
    const exceptFolders = (selection.exceptFolders ?? []).flatMap((folder) =>
      this.matchingKeys(search, folder, filter),
    );
    for (const key of exceptFolders) exceptKeys.add(key);
    return exceptKeys.size === 0 ? keys : keys.filter((key) => !exceptKeys.has(key));
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

  /** The subfolders of `folder`, computed again only when the query or anything in the DB changed. */
  private foldersIn(folder: string, query: RemoteBrowseQuery, descending: boolean): FolderRow[] {
    const key = JSON.stringify([folder, query.filter ?? 'all', query.sort ?? 'name', descending]);
    // data_version moves with other connections' commits, total_changes() with this one's.
    const stamp = `${String(this.db.pragma('data_version', { simple: true }))}:${String(
      this.sql.get('SELECT total_changes()').pluck().get(),
    )}`;
    if (this.folders?.query === key && this.folders.stamp === stamp) return this.folders.rows;
    const rows = listFolders(
      this.sql,
      R_DISPLAY_PATH,
      folder,
      FILTERS[query.filter ?? 'all'],
      query.sort ?? 'name',
      descending,
    );
    this.folders = { query: key, stamp, rows };
    return rows;
  }

  /** Keys matching `search` under `folder` ('' for everywhere) that pass `filter`, in name order. */
  private matchingKeys(search: string, folder: string, filter: RemoteFilter): string[] {
    const { clause, params } = scopeOf({ offset: 0, limit: 1, search, filter });
    const where = clause === '' ? [] : [clause.replace(/^WHERE /, '')];
    const prefix = folder.replace(/\/+$/, '');
    if (prefix !== '') {
      where.push(folderClauses(R_DISPLAY_PATH, `${prefix}/`).under);
      params.prefix = `${prefix}/`;
    }
    return this.sql
      .get(
        `SELECT r.key FROM remote_files r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${R_NATURAL_PATH}, r.key`,
      )
      .pluck()
      .all(params) as string[];
  }
}

/** The WHERE clause of a query: its search and filter, and for the folder view, its folder. */
function scopeOf(query: RemoteBrowseQuery): Scope {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const search = query.search?.trim() ?? '';
  if (search !== '') {
    where.push(`${R_DISPLAY_PATH} LIKE @search ESCAPE '\\' COLLATE NOCASE`);
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const condition = FILTERS[query.filter ?? 'all'];
  if (condition !== null) where.push(condition);
  const folder = search === '' && query.folder !== undefined ? query.folder.replace(/\/+$/, '') : null;
  if (folder !== null) {
    params.prefix = folder === '' ? '' : `${folder}/`;
    where.push(folderClauses(R_DISPLAY_PATH, params.prefix as string).directlyIn);
  }
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params, folder };
}

function toFolderRow(folder: FolderRow): RemoteFileRow {
  return {
    key: folderRowKey(folder.path),
    name: folder.name,
    displayPath: folder.path,
    size: folder.bytes,
    lastModified: folder.lastModified,
    origin: 'elsewhere',
    deletedLocally: false,
    status: 'remote-only',
    processing: null,
    folder: { path: folder.path, files: folder.files },
  };
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
    processing: processingOf(row),
    folder: null,
  };
}

function processingOf(row: Row): RemoteProcessingView | null {
  if (row.processing === null || !PROCESSING_STATUSES.has(row.processing)) return null;
  return {
    status: row.processing as RemoteProcessingView['status'],
    error: row.processing === 'failed' ? row.processing_error : null,
  };
}
