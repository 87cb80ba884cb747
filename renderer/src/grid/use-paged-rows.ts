import { useCallback, useEffect, useRef, useState } from 'react';

export const PAGE_SIZE = 100;
// How far ahead of a scroll pages are asked for: a fast scroll (the bench's, four screens a frame)
// crosses a page every frame or two, and a page far down costs the host more (SQLite's OFFSET).
const PAGES_AHEAD = 2;

export interface PagedRows<T> {
  /** Rows matching the query (null until the first page arrived). */
  total: number | null;
  rowAt(index: number): T | undefined;
  /** Makes sure the rows from `start` to `end` are loaded (the visible range). */
  ensure(start: number, end: number): void;
  error: string | null;
}

/**
 * Rows read from the host one page at a time, only those on screen: a 100,000-row list never comes
 * to the renderer whole. A new `queryKey` starts over; a new `reloadToken` re-reads the pages on
 * screen while still showing the old rows, so nothing flickers.
 */
export function usePagedRows<T>(
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; total: number }>,
  queryKey: string,
  reloadToken: number,
): PagedRows<T> {
  const pages = useRef(new Map<number, T[]>());
  const loading = useRef(new Set<number>());
  const fresh = useRef(new Set<number>());
  const visible = useRef<[number, number]>([0, PAGE_SIZE]);
  const generation = useRef(0);
  const [total, setTotal] = useState<number | null>(null);
  // The same, for `ensure` (which must not change identity with it).
  const knownTotal = useRef<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback((page: number) => {
    if (loading.current.has(page) || fresh.current.has(page)) return;
    loading.current.add(page);
    const asked = generation.current;
    fetchRef.current(page * PAGE_SIZE, PAGE_SIZE).then(
      (result) => {
        if (asked !== generation.current) return;
        loading.current.delete(page);
        fresh.current.add(page);
        pages.current.set(page, result.items);
        knownTotal.current = result.total;
        setTotal(result.total);
        setError(null);
        setVersion((value) => value + 1);
      },
      (failure: Error) => {
        if (asked !== generation.current) return;
        loading.current.delete(page);
        setError(failure.message);
      },
    );
  }, []);

  const ensure = useCallback(
    (start: number, end: number) => {
      const [previousStart] = visible.current;
      visible.current = [start, end];
      const first = Math.floor(start / PAGE_SIZE);
      const last = Math.floor(Math.max(start, end) / PAGE_SIZE);
      for (let page = first; page <= last; page++) load(page);
      // The pages the scroll is heading into are asked for now, so they are there when it arrives:
      // a frame that shows "Loading…" rows and then renders them again is a frame spent twice.
      const step = start >= previousStart ? 1 : -1;
      const from = step > 0 ? last : first;
      const ahead = Array.from({ length: PAGES_AHEAD }, (_, index) => from + step * (index + 1));
      const known = knownTotal.current;
      for (const page of ahead) if (page >= 0 && (known === null || page * PAGE_SIZE < known)) load(page);
    },
    [load],
  );

  useEffect(() => {
    generation.current++;
    pages.current.clear();
    loading.current.clear();
    fresh.current.clear();
    knownTotal.current = null;
    setTotal(null);
    visible.current = [0, PAGE_SIZE];
    load(0);
  }, [queryKey, load]);

  useEffect(() => {
    if (reloadToken === 0) return;
    // Keep the rows (no flicker) but mark every page stale; re-read those on screen now.
    generation.current++;
    loading.current.clear();
    fresh.current.clear();
    const [start, end] = visible.current;
    ensure(start, end);
  }, [reloadToken, ensure]);

  return {
    total,
    error,
    ensure,
    rowAt: (index) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
  };
}
