import type { RemoteSortField } from '../../../shared/sync-types.js';
import type { StatementCache } from '../../base/statement-cache.js';

/**
 * Folders of the remote list, derived from display paths (a key's U+2215 read as `/`, see
 * staged-listing.ts): the remote has no folders of its own, only names. `@prefix` is the folder with
 * a trailing `/` ('' for the top). Both tests compare the path itself (case and all); the range on
 * the natural key before them lets SQLite read only that folder's part of the name index (the key of
 * a path starts with the key of its folder: digit runs in the folder end at its `/`).
 */
export function folderClauses(displayPath: string, prefix: string): { under: string; directlyIn: string } {
  const directly = `instr(substr(${displayPath}, length(@prefix) + 1), '/') = 0`;
  if (prefix === '') return { under: 'true', directlyIn: directly };
  const under = `natural_key(${displayPath}) >= natural_key(@prefix)
      AND natural_key(${displayPath}) < natural_key(@prefix) || char(1114111)
      AND substr(${displayPath}, 1, length(@prefix)) = @prefix`;
  return { under, directlyIn: `${under} AND ${directly}` };
}

/** One subfolder in the folder view, with what is under it (filtered like the files). */
export interface FolderRow {
  name: string;
  path: string;
  files: number;
  bytes: number | null;
  lastModified: number | null;
}

const FOLDER_SORT: Record<RemoteSortField, string> = {
  name: 'natural_key(name)',
  size: 'bytes',
  lastModified: 'modified',
};

/**
 * The subfolders directly in `folder` ('' for the top), sorted like the files: by natural name, by
 * total size or by latest change. All of them, for one page: a folder view holds few folders beside
 * its files, and each page slices the list (RemoteBrowse.page puts them first).
 */
export function listFolders(
  sql: StatementCache,
  displayPath: string,
  folder: string,
  filterCondition: string | null,
  sort: RemoteSortField,
  descending: boolean,
): FolderRow[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const where = [folderClauses(displayPath, prefix).under];
  if (filterCondition !== null) where.push(filterCondition);
  const direction = descending ? 'DESC' : 'ASC';
  const rows = sql
    .get(
      `SELECT substr(rest, 1, instr(rest, '/') - 1) AS name, count(*) AS files, sum(size) AS bytes,
         max(last_modified) AS modified
       FROM (SELECT substr(${displayPath}, length(@prefix) + 1) AS rest, r.size, r.last_modified
             FROM remote_files r WHERE ${where.join(' AND ')})
       WHERE instr(rest, '/') > 1
       GROUP BY name ORDER BY ${FOLDER_SORT[sort]} ${direction}, natural_key(name) ${direction}, name`,
    )
    .all({ prefix }) as Array<{ name: string; files: number; bytes: number | null; modified: number | null }>;
  return rows.map((row) => ({
    name: row.name,
    path: `${prefix}${row.name}`,
    files: row.files,
    bytes: row.bytes,
    lastModified: row.modified,
  }));
}
