// Past 300 lines: one read-only view of the mirror (pages, folder rows, selections and their summary)
// over one set of SQL clauses and one root; split, the page and the selection would drift apart.
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

/**
 * Which part of the mirror a view shows. The mirror holds the whole account as listed (every folder's
 * and other clients' files): `folder` is one configured folder's remote folder ('' for the top), paths
 * shown as they appear under it (a file of this folder by its local path); `account` is all of it,
 * paths as the remote has them.
 */
export type BrowseRoot =
  | {
      kind: 'folder';
      remoteFolder: string;
      /**
       * Remote folders of the app's other folders on this remote that lie inside this one (this one
       * at the top, another in "Contracts"): what the others put there is theirs, left out of this
       * view and of every selection in it; this folder's own files there stay in.
       */
      othersInside?: readonly string[];
    }
  | { kind: 'account' };

/** The top of the remote, as one folder sees it: what a browse without a root shows. */
const TOP: BrowseRoot = { kind: 'folder', remoteFolder: '' };

/** The root's path prefix in display paths ('' for the top or the account), with its trailing '/'. */
function prefixOf(root: BrowseRoot): string {
  if (root.kind === 'account') return '';
  const folder = root.remoteFolder.replace(/^\/+|\/+$/g, '');
  return folder === '' ? '' : `${folder}/`;
}

/** A configured remote folder's name as SQL text (quotes doubled): no parameter to thread through. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The filter's condition and the root's others-inside rule, as one SQL condition (null: none). */
function conditionOf(filter: RemoteFilter, root: BrowseRoot): string | null {
  const parts = [FILTERS[filter]];
  if (root.kind === 'folder') {
    for (const other of root.othersInside ?? []) {
      const prefix = literal(`${other.replace(/^\/+|\/+$/g, '')}/`);
      parts.push(
        `NOT (substr(${R_DISPLAY_PATH}, 1, length(${prefix})) = ${prefix} AND ${FILTERS['remote-only']})`,
      );
    }
  }
  const present = parts.filter((part): part is string => part !== null);
  return present.length === 0 ? null : present.map((part) => `(${part})`).join(' AND ');
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

  /** A page of `root` (paths in the query and the rows are relative to it). */
  page(query: RemoteBrowseQuery, root: BrowseRoot = TOP): RemoteBrowsePage {
    const rootPrefix = prefixOf(root);
    const scope = scopeOf(query, root);
    const descending = query.descending ?? false;
    const folders =
      scope.folder === null ? [] : this.foldersIn(`${rootPrefix}${scope.folder}`, query, root, descending);
    const order = `${SORT_COLUMNS[query.sort ?? 'name']} ${descending ? 'DESC' : 'ASC'}, r.key`;
    const files = (
      this.sql.get(`SELECT count(*) AS n FROM remote_files r ${scope.clause}`).get(scope.params) as {
        n: number;
      }
    ).n;
    // Folders first, then files: a page may hold the end of one and the start of the other.
    const folderRows = folders
      .slice(query.offset, query.offset + query.limit)
      .map((folder) => toFolderRow(folder, rootPrefix));
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
    return {
      items: [...folderRows, ...rows.map((row) => toRow(row, root.kind === 'account' ? null : rootPrefix))],
      total: folders.length + files,
    };
  }

  /**
   * The keys a selection names within `root` (for a query: every matching key, read as one column).
   * A listed key outside the root is left out: a view of one folder never acts on another's files.
   */
  keys(selection: RemoteSelection, root: BrowseRoot = TOP): string[] {
    const filter = selection.filter ?? 'all';
    const rootPrefix = prefixOf(root);
    if (selection.kind === 'keys') {
      const underFolders = (selection.folders ?? []).flatMap((folder) =>
        this.matchingKeys('', folder, filter, root),
      );
      const narrowed = rootPrefix !== '' || (root.kind === 'folder' && (root.othersInside?.length ?? 0) > 0);
      const listed = narrowed ? this.keysUnder(selection.keys, root) : selection.keys;
      return [...new Set([...listed, ...underFolders])];
    }
    const search = selection.search?.trim() ?? '';
    // The folder view's "all": what is under the folder (files directly in it and its subfolders').
    const keys = this.matchingKeys(search, search === '' ? (selection.folder ?? '') : '', filter, root);
    const exceptKeys = new Set(selection.exceptKeys ?? []);
    const exceptFolders = (selection.exceptFolders ?? []).flatMap((folder) =>
      this.matchingKeys(search, folder, filter, root),
    );
    for (const key of exceptFolders) exceptKeys.add(key);
    return exceptKeys.size === 0 ? keys : keys.filter((key) => !exceptKeys.has(key));
  }

  /** What deleting a selection means: how many, how big, how many will upload again, how many are others'. */
  summary(selection: RemoteSelection, root: BrowseRoot = TOP): RemoteSelectionSummary {
    const keys = this.keys(selection, root);
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
  private foldersIn(
    folder: string,
    query: RemoteBrowseQuery,
    root: BrowseRoot,
    descending: boolean,
  ): FolderRow[] {
    const condition = conditionOf(query.filter ?? 'all', root);
    const key = JSON.stringify([folder, condition, query.sort ?? 'name', descending]);
    // data_version moves with other connections' commits, total_changes() with this one's.
    const stamp = `${String(this.db.pragma('data_version', { simple: true }))}:${String(
      this.sql.get('SELECT total_changes()').pluck().get(),
    )}`;
    if (this.folders?.query === key && this.folders.stamp === stamp) return this.folders.rows;
    const rows = listFolders(this.sql, R_DISPLAY_PATH, folder, condition, query.sort ?? 'name', descending);
    this.folders = { query: key, stamp, rows };
    return rows;
  }

  /** Those of `keys` the mirror lists within `root` (under its folder, not another folder's). */
  private keysUnder(keys: readonly string[], root: BrowseRoot): string[] {
    const rootPrefix = prefixOf(root);
    const condition = conditionOf('all', root);
    const under = this.sql.get(
      `SELECT 1 FROM remote_files r WHERE r.key = @key AND ${folderClauses(R_DISPLAY_PATH, rootPrefix).under}
       ${condition === null ? '' : `AND ${condition}`}`,
    );
    return keys.filter((key) => under.get({ key, prefix: rootPrefix }) !== undefined);
  }

  /**
   * Keys matching `search` under `folder` ('' for everywhere), both within `root`, that pass
   * `filter`, in name order.
   */
  private matchingKeys(search: string, folder: string, filter: RemoteFilter, root: BrowseRoot): string[] {
    const rootPrefix = prefixOf(root);
    const { clause, params } = scopeOf({ offset: 0, limit: 1, search, filter }, root);
    const where = clause === '' ? [] : [clause.replace(/^WHERE /, '')];
    const prefix = folder.replace(/\/+$/, '');
    if (prefix !== '') {
      // Narrower than the root, which it starts with: the one @prefix both clauses read.
      where.push(folderClauses(R_DISPLAY_PATH, `${rootPrefix}${prefix}/`).under);
      params.prefix = `${rootPrefix}${prefix}/`;
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

/**
 * The WHERE clause of a query within `root`: its search (of the path as
 * shown, under the root) and filter, and for the folder view, its folder (relative to the root).
 */
function scopeOf(query: RemoteBrowseQuery, root: BrowseRoot): Scope {
  const rootPrefix = prefixOf(root);
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const search = query.search?.trim() ?? '';
  if (search !== '') {
    // Under a root the root's own name is in every path: a search for it must not match them all.
    const shown = rootPrefix === '' ? R_DISPLAY_PATH : `substr(${R_DISPLAY_PATH}, length(@root) + 1)`;
    if (rootPrefix !== '') params.root = rootPrefix;
    where.push(`${shown} LIKE @search ESCAPE '\\' COLLATE NOCASE`);
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  const condition = conditionOf(query.filter ?? 'all', root);
  if (condition !== null) where.push(condition);
  const folder = search === '' && query.folder !== undefined ? query.folder.replace(/\/+$/, '') : null;
  if (folder !== null) {
    params.prefix = folder === '' ? rootPrefix : `${rootPrefix}${folder}/`;
    where.push(folderClauses(R_DISPLAY_PATH, params.prefix as string).directlyIn);
  } else if (rootPrefix !== '') {
    params.prefix = rootPrefix;
    where.push(folderClauses(R_DISPLAY_PATH, rootPrefix).under);
  }
  return { clause: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params, folder };
}

/** A subfolder's row, its path relative to the root (`rootPrefix`, which it starts with). */
function toFolderRow(folder: FolderRow, rootPrefix: string): RemoteFileRow {
  const path = folder.path.slice(rootPrefix.length);
  return {
    key: folderRowKey(path),
    name: folder.name,
    displayPath: path,
    size: folder.bytes,
    lastModified: folder.lastModified,
    origin: 'elsewhere',
    deletedLocally: false,
    status: 'remote-only',
    processing: null,
    folder: { path, files: folder.files },
  };
}

/**
 * A file's row. Under a folder's root (`rootPrefix`), its path as it appears there: this folder's
 * file by its local path, another's with the root cut off. For the account (null), the remote's path.
 */
function toRow(row: Row, rootPrefix: string | null): RemoteFileRow {
  const displayPath =
    rootPrefix === null
      ? row.display_path
      : (row.local_path ??
        (row.display_path.startsWith(rootPrefix)
          ? row.display_path.slice(rootPrefix.length)
          : row.display_path));
  return {
    key: row.key,
    name: row.name,
    displayPath,
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
