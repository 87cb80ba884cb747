import { folderOfRowKey, type RemoteFilter, type RemoteSelection } from '../../../shared/remote-browse.js';

/**
 * What is selected in the remote list: listed keys, or "all that match" the current filter and search
 * minus some keys, so selecting 100,000 rows never loads them.
 */
export type Selection =
  | { mode: 'keys'; keys: ReadonlyMap<string, number> } // key → size, for the selection bar's total
  | { mode: 'all'; except: ReadonlySet<string> };

export const EMPTY_SELECTION: Selection = { mode: 'keys', keys: new Map() };

export function isSelected(selection: Selection, key: string): boolean {
  return selection.mode === 'keys' ? selection.keys.has(key) : !selection.except.has(key);
}

export function selectedCount(selection: Selection, total: number): number {
  return selection.mode === 'keys' ? selection.keys.size : Math.max(0, total - selection.except.size);
}

export function toggle(selection: Selection, key: string, size: number): Selection {
  if (selection.mode === 'all') {
    const except = new Set(selection.except);
    if (except.has(key)) except.delete(key);
    else except.add(key);
    return { mode: 'all', except };
  }
  const keys = new Map(selection.keys);
  if (keys.has(key)) keys.delete(key);
  else keys.set(key, size);
  return { mode: 'keys', keys };
}

export function only(rows: Array<{ key: string; size: number | null }>): Selection {
  return { mode: 'keys', keys: new Map(rows.map((row) => [row.key, row.size ?? 0])) };
}

export function withRows(selection: Selection, rows: Array<{ key: string; size: number | null }>): Selection {
  if (selection.mode === 'all') {
    const except = new Set(selection.except);
    for (const row of rows) except.delete(row.key);
    return { mode: 'all', except };
  }
  const keys = new Map(selection.keys);
  for (const row of rows) keys.set(row.key, row.size ?? 0);
  return { mode: 'keys', keys };
}

/**
 * The selection as the bridge takes it. Folder rows (folder view) stand for every file under them,
 * as the filter shows them; "all that match" in a folder is what is under that folder.
 */
export function toBridgeSelection(
  selection: Selection,
  query: { search: string; filter: RemoteFilter; folder: string | null },
): RemoteSelection {
  const split = (keys: Iterable<string>): { files: string[]; folders: string[] } => {
    const files: string[] = [];
    const folders: string[] = [];
    for (const key of keys) {
      const folder = folderOfRowKey(key);
      if (folder === null) files.push(key);
      else folders.push(folder);
    }
    return { files, folders };
  };
  if (selection.mode === 'keys') {
    const { files, folders } = split(selection.keys.keys());
    return {
      kind: 'keys',
      keys: files,
      ...(folders.length > 0 ? { folders, filter: query.filter } : {}),
    };
  }
  const except = split(selection.except);
  const searching = query.search.trim() !== '';
  return {
    kind: 'query',
    filter: query.filter,
    ...(searching ? { search: query.search } : {}),
    ...(!searching && query.folder ? { folder: query.folder } : {}),
    ...(except.files.length > 0 ? { exceptKeys: except.files } : {}),
    ...(except.folders.length > 0 ? { exceptFolders: except.folders } : {}),
  };
}
