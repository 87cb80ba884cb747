import type { RemoteFilter, RemoteSelection } from '../../../shared/remote-browse.js';

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

/** The selection as the bridge takes it. */
export function toBridgeSelection(
  selection: Selection,
  query: { search: string; filter: RemoteFilter },
): RemoteSelection {
  if (selection.mode === 'keys') return { kind: 'keys', keys: [...selection.keys.keys()] };
  return {
    kind: 'query',
    filter: query.filter,
    ...(query.search.trim() ? { search: query.search } : {}),
    ...(selection.except.size > 0 ? { exceptKeys: [...selection.except] } : {}),
  };
}
