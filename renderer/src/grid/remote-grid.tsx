import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { RemoteFileRow } from '../../../shared/remote-browse.js';
import { GridRow } from './grid-row.js';
import type { RemoteSortField } from '../../../shared/sync-types.js';
import { isSelected, only, toggle, withRows, type Selection } from './selection.js';
import type { PagedRows } from './use-paged-rows.js';

const ROW_HEIGHT = 32;

const COLUMNS: Array<{ field: RemoteSortField | null; label: string }> = [
  { field: 'name', label: 'Path' },
  { field: 'size', label: 'Size' },
  { field: 'lastModified', label: 'Modified' },
  { field: null, label: 'Status' },
];
// Only for a remote that processes files (Open WebUI): whether the AI can read each one yet.
const PROCESSING_COLUMN = { field: null, label: 'For AI' } as const;

export interface GridProps {
  label: string;
  rows: PagedRows<RemoteFileRow>;
  sort: RemoteSortField;
  descending: boolean;
  onSort: (field: RemoteSortField) => void;
  selection: Selection;
  onSelection: (selection: Selection) => void;
  onSelectAll: () => void;
  onDelete: () => void;
  /** Loads rows from..to (inclusive) for a range selection over rows not on screen. */
  loadRange: (from: number, to: number) => Promise<RemoteFileRow[]>;
  /** Shows the remote's processing of each file (Open WebUI), in a column of its own. */
  showProcessing?: boolean;
  /** The folder view's folder and a '/', left out of the paths shown (its files show their names). */
  pathPrefix?: string;
  /** A folder row was opened (Enter, double click): show that folder. */
  onOpenFolder?: (path: string) => void;
  /** Alt+Up: the folder above, in the folder view. */
  onFolderUp?: () => void;
}

/**
 * The remote files as a WAI-ARIA grid: virtualized (only the rows on screen exist in the DOM and in
 * memory), aria-rowcount the real total, rows with aria-selected; mouse and keyboard selection.
 */
export function RemoteGrid(props: GridProps) {
  const { rows, selection, onSelection } = props;
  const columns = props.showProcessing ? [...COLUMNS, PROCESSING_COLUMN] : COLUMNS;
  const total = rows.total ?? 0;
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const anchor = useRef(0);
  const baseId = useId();
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // Few rows beyond the screen: each one costs render time on every fast scroll frame.
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = rows;
  useEffect(() => ensure(first, last), [first, last, ensure, total]);
  useEffect(() => {
    body.current?.style.setProperty('height', `${virtualizer.getTotalSize()}px`);
  });
  useEffect(() => {
    if (active >= total && total > 0) setActive(total - 1);
  }, [active, total]);

  const rowId = (index: number): string => `${baseId}-row-${index}`;

  const selectRange = async (from: number, to: number, extend: Selection | null): Promise<void> => {
    const [low, high] = from <= to ? [from, to] : [to, from];
    const loaded: RemoteFileRow[] = [];
    let missing = false;
    for (let index = low; index <= high; index++) {
      const row = rows.rowAt(index);
      if (row) loaded.push(row);
      else missing = true;
    }
    const range = missing ? await props.loadRange(low, high) : loaded;
    onSelection(extend ? withRows(extend, range) : only(range));
  };

  const clickRef = useRef<(event: MouseEvent, index: number) => void>(() => undefined);
  const openRef = useRef<(path: string) => void>(() => undefined);
  // Stable for the memoized rows; always calls the latest handler.
  const onRowClickStable = useCallback(
    (event: MouseEvent, index: number) => clickRef.current(event, index),
    [],
  );
  clickRef.current = (event: MouseEvent, index: number): void => {
    const row = rows.rowAt(index);
    if (!row) return;
    setActive(index);
    if (event.shiftKey) {
      void selectRange(anchor.current, index, event.ctrlKey || event.metaKey ? selection : null);
      return;
    }
    anchor.current = index;
    onSelection(event.ctrlKey || event.metaKey ? toggle(selection, row.key, row.size ?? 0) : only([row]));
  };

  const moveTo = (index: number, extend: boolean): void => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    if (extend) void selectRange(anchor.current, next, null);
    else anchor.current = next;
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    // Keys pressed on a column's sort button are that button's (Enter and Space sort).
    if (event.target !== event.currentTarget) return;
    if (event.key === 'ArrowUp' && event.altKey) {
      if (!props.onFolderUp) return;
      props.onFolderUp();
      event.preventDefault();
      return;
    }
    if (total === 0) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const command = event.ctrlKey || event.metaKey;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(active + 1, event.shiftKey);
        break;
      case 'ArrowUp':
        moveTo(active - 1, event.shiftKey);
        break;
      case 'PageDown':
        moveTo(active + page, event.shiftKey);
        break;
      case 'PageUp':
        moveTo(active - page, event.shiftKey);
        break;
      case 'Home':
        moveTo(0, event.shiftKey);
        break;
      case 'End':
        moveTo(total - 1, event.shiftKey);
        break;
      case ' ': {
        const row = rows.rowAt(active);
        if (row) onSelection(toggle(selection, row.key, row.size ?? 0));
        anchor.current = active;
        break;
      }
      case 'a':
      case 'A':
        if (!command) return;
        props.onSelectAll();
        break;
      case 'Delete':
      case 'Backspace':
        props.onDelete();
        break;
      case 'Enter': {
        const folder = rows.rowAt(active)?.folder;
        if (!folder || !props.onOpenFolder) return;
        props.onOpenFolder(folder.path);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const openStable = useCallback((path: string) => openRef.current(path), []);
  openRef.current = (path: string): void => props.onOpenFolder?.(path);

  return (
    <div
      className={`grid${props.showProcessing ? ' with-processing' : ''}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={total + 1}
      aria-colcount={columns.length}
      aria-multiselectable="true"
      tabIndex={0}
      aria-activedescendant={total > 0 ? rowId(active) : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="grid-header" role="rowgroup">
        <div className="grid-row" role="row" aria-rowindex={1}>
          {columns.map(({ field, label }) => (
            <div
              key={label}
              role="columnheader"
              className="grid-cell"
              aria-sort={
                field !== null && field === props.sort
                  ? props.descending
                    ? 'descending'
                    : 'ascending'
                  : undefined
              }
            >
              {field === null ? (
                label
              ) : (
                <button type="button" className="sort" onClick={() => props.onSort(field)}>
                  {label}
                  <span aria-hidden="true">
                    {field === props.sort ? (props.descending ? ' ↓' : ' ↑') : ''}
                  </span>
                </button>
              )}
            </div>
          ))}
        </div>
      </div>
      <div className="grid-scroll" ref={scroller}>
        <div className="grid-body" role="rowgroup" ref={body}>
          {items.map((item) => {
            const row = rows.rowAt(item.index);
            return (
              <GridRow
                key={item.key}
                id={rowId(item.index)}
                index={item.index}
                start={item.start}
                row={row}
                selected={row ? isSelected(selection, row.key) : false}
                active={item.index === active}
                showProcessing={props.showProcessing ?? false}
                pathPrefix={props.pathPrefix ?? ''}
                onClick={onRowClickStable}
                onOpenFolder={openStable}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
