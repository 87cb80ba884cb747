import { useCallback, useEffect, useState } from 'react';
import type { AppView } from '../../../shared/bridge/contract.js';
import type { RemoteFileRow, RemoteFilter } from '../../../shared/remote-browse.js';
import type { RemoteSortField } from '../../../shared/sync-types.js';
import { useBridge, useBridgeEvent } from '../bridge/bridge-context.js';
import { formatCount, formatSize, plural } from '../format.js';
import { RemoteGrid } from '../grid/remote-grid.js';
import { EMPTY_SELECTION, selectedCount, toBridgeSelection, type Selection } from '../grid/selection.js';
import { usePagedRows } from '../grid/use-paged-rows.js';
import { DeleteDialog } from './delete-dialog.js';

const FILTERS: Array<{ filter: RemoteFilter; label: string }> = [
  { filter: 'all', label: 'All' },
  { filter: 'this-folder', label: 'From this folder' },
  { filter: 'remote-only', label: 'Remote only' },
  { filter: 'deleted-locally', label: 'Deleted locally' },
];

/** The remote files, from the SQLite mirror: search, sort, filter, select and delete. */
export function RemoteFilesScreen({ app }: { app: AppView }) {
  const bridge = useBridge();
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<RemoteFilter>('all');
  const [sort, setSort] = useState<RemoteSortField>('name');
  const [descending, setDescending] = useState(false);
  const [reload, setReload] = useState(0);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [deleting, setDeleting] = useState(false);
  const queryKey = `${search}\n${filter}\n${sort}\n${descending}`;
  const query = useCallback(
    (offset: number, limit: number) =>
      bridge.call('remote.page', {
        offset,
        limit,
        filter,
        sort,
        descending,
        ...(search.trim() ? { search } : {}),
      }),
    [bridge, filter, sort, descending, search],
  );
  const rows = usePagedRows<RemoteFileRow>(query, queryKey, reload);
  useBridgeEvent('changed', (change) => (change.remote || change.local) && setReload((value) => value + 1));
  // A new filter or search is a new list: what was selected in the old one no longer shows.
  useEffect(() => setSelection(EMPTY_SELECTION), [search, filter]);

  const total = rows.total ?? 0;
  const count = selectedCount(selection, total);
  const selectedBytes =
    selection.mode === 'keys' ? [...selection.keys.values()].reduce((sum, size) => sum + size, 0) : null;
  const canDelete = app.pair?.canDelete ?? false;
  const loadRange = async (from: number, to: number): Promise<RemoteFileRow[]> => {
    const out: RemoteFileRow[] = [];
    for (let offset = from; offset <= to; offset += 1000) {
      const page = await query(offset, Math.min(1000, to - offset + 1));
      out.push(...page.items);
    }
    return out;
  };
  const selectAll = (): void => setSelection({ mode: 'all', except: new Set() });

  return (
    <section className="screen remote-screen" aria-labelledby="remote-title">
      <h1 id="remote-title">Remote files</h1>
      <div className="toolbar">
        <label>
          Search files{' '}
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <div role="radiogroup" aria-label="Show" className="segmented">
          {FILTERS.map((entry) => (
            <label key={entry.filter}>
              <input
                type="radio"
                name="remote-filter"
                checked={filter === entry.filter}
                onChange={() => setFilter(entry.filter)}
              />
              {entry.label}
            </label>
          ))}
        </div>
      </div>
      <div className="selection-bar" role="region" aria-label="Selection">
        <span role="status">
          {rows.total === null
            ? 'Loading…'
            : count > 0
              ? `${formatCount(count)} selected${selectedBytes !== null ? ` · ${formatSize(selectedBytes)}` : ''}`
              : plural(total, 'file', 'files')}
        </span>
        {total > 0 && (selection.mode !== 'all' || selection.except.size > 0) && (
          <button type="button" onClick={selectAll}>
            Select all {formatCount(total)} that match
          </button>
        )}
        {count > 0 && (
          <button type="button" onClick={() => setSelection(EMPTY_SELECTION)}>
            Clear selection
          </button>
        )}
        <button
          type="button"
          className="danger"
          disabled={!canDelete || count === 0}
          aria-describedby={canDelete ? undefined : 'no-delete-reason'}
          onClick={() => setDeleting(true)}
        >
          Delete…
        </button>
        {!canDelete && (
          <span id="no-delete-reason" className="muted">
            {app.pair?.label ?? 'This remote'} has no way to delete files.
          </span>
        )}
      </div>
      {rows.error ? (
        <p role="alert">The remote list could not be read: {rows.error}</p>
      ) : rows.total === 0 ? (
        <p className="empty">
          {search || filter !== 'all'
            ? 'No remote files match.'
            : `Nothing here yet: add files to ${app.pair?.folder ?? 'the folder'} and they appear in seconds.`}
        </p>
      ) : (
        <RemoteGrid
          label="Remote files"
          rows={rows}
          sort={sort}
          descending={descending}
          onSort={(field) => {
            if (field === sort) setDescending(!descending);
            else {
              setSort(field);
              setDescending(false);
            }
          }}
          selection={selection}
          onSelection={setSelection}
          onSelectAll={selectAll}
          onDelete={() => canDelete && count > 0 && setDeleting(true)}
          loadRange={loadRange}
        />
      )}
      {deleting && (
        <DeleteDialog
          selection={toBridgeSelection(selection, { search, filter })}
          remoteLabel={app.pair?.label ?? 'the remote'}
          onClose={(deleted) => {
            setDeleting(false);
            if (deleted) setSelection(EMPTY_SELECTION);
          }}
        />
      )}
    </section>
  );
}
