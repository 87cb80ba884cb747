import { useCallback, useEffect, useState } from 'react';
import type { RemoteFileRow, RemoteFilter, RemoteScope } from '../../../shared/remote-browse.js';
import type { RemoteSortField } from '../../../shared/sync-types.js';
import { useBridge, useBridgeEvent } from '../bridge/bridge-context.js';
import { formatCount, formatSize, plural } from '../format.js';
import { RemoteGrid } from '../grid/remote-grid.js';
import { EMPTY_SELECTION, selectedCount, toBridgeSelection, type Selection } from '../grid/selection.js';
import { usePagedRows } from '../grid/use-paged-rows.js';
import { useFolder, useFolderStatus } from '../store/folder-context.js';
import { DeleteDialog } from './delete-dialog.js';
import { FolderBreadcrumbs } from './folder-breadcrumbs.js';
import { RemoteListingBar } from './remote-listing-bar.js';

type View = 'flat' | 'folders';
const VIEW_STORAGE_KEY = 'hoist.remoteView';

function storedView(): View {
  try {
    return localStorage.getItem(VIEW_STORAGE_KEY) === 'folders' ? 'folders' : 'flat';
  } catch {
    return 'flat';
  }
}

const SCOPES: Array<{ scope: RemoteScope; label: string }> = [
  { scope: 'folder', label: 'Only this folder' },
  { scope: 'account', label: 'Whole account' },
];

const FILTERS: Array<{ filter: RemoteFilter; label: string }> = [
  { filter: 'all', label: 'All' },
  { filter: 'this-folder', label: 'From this folder' },
  { filter: 'remote-only', label: 'Remote only' },
  { filter: 'deleted-locally', label: 'Deleted locally' },
];

/**
 * The remote files, from the SQLite mirror: search, sort, filter, select and delete, as one flat list
 * or one folder at a time (a search is always flat, across folders). The list follows the mirror:
 * every listing the engine makes (on its own, or on Refresh) re-reads the rows on screen.
 */
export function RemoteFilesScreen() {
  const bridge = useBridge();
  const pair = useFolder();
  const listedAt = useFolderStatus()?.lastRemoteRefreshAt ?? null;
  const [scope, setScope] = useState<RemoteScope>('folder');
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<RemoteFilter>('all');
  const [sort, setSort] = useState<RemoteSortField>('name');
  const [descending, setDescending] = useState(false);
  const [reload, setReload] = useState(0);
  const [selection, setSelection] = useState<Selection>(EMPTY_SELECTION);
  const [deleting, setDeleting] = useState(false);
  const [view, setView] = useState<View>(storedView);
  const [folder, setFolder] = useState('');
  // The folder view shows one folder; a search looks everywhere.
  const shownFolder = view === 'folders' && search.trim() === '' ? folder : null;
  const queryKey = `${scope}\n${search}\n${filter}\n${sort}\n${descending}\n${shownFolder ?? '\u0000'}`;
  const query = useCallback(
    (offset: number, limit: number) =>
      bridge.call('remote.page', {
        folder: pair.id,
        scope,
        offset,
        limit,
        filter,
        sort,
        descending,
        ...(search.trim() ? { search } : {}),
        ...(shownFolder !== null ? { path: shownFolder } : {}),
      }),
    [bridge, pair.id, scope, filter, sort, descending, search, shownFolder],
  );
  const rows = usePagedRows<RemoteFileRow>(query, queryKey, reload);
  // Both scopes read this folder's mirror (the whole account as this folder last listed it), so only
  // this folder's changes move them: another folder's upload shows here once this folder lists again
  // (on its own, or on Refresh), and re-reading on every folder's event would only redraw the same rows.
  useBridgeEvent(
    'changed',
    (change) =>
      change.folder === pair.id && (change.remote || change.local) && setReload((value) => value + 1),
  );
  // A new filter or search is a new list: what was selected in the old one no longer shows.
  useEffect(() => setSelection(EMPTY_SELECTION), [scope, search, filter, shownFolder]);
  const chooseView = (next: View): void => {
    setView(next);
    try {
      localStorage.setItem(VIEW_STORAGE_KEY, next);
    } catch {
      // Storage off: the choice holds until the window closes.
    }
  };
  const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

  const total = rows.total ?? 0;
  const count = selectedCount(selection, total);
  const selectedBytes =
    selection.mode === 'keys' ? [...selection.keys.values()].reduce((sum, size) => sum + size, 0) : null;
  // Deleting acts on this folder's files: the whole account is for looking.
  const canDelete = pair.canDelete && scope === 'folder';
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
      <div className="screen-heading">
        <h1 id="remote-title">Remote files</h1>
        <RemoteListingBar listedAt={listedAt} />
      </div>
      <div className="toolbar">
        <label>
          Search files{' '}
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <div role="radiogroup" aria-label="Whose files" className="segmented">
          {SCOPES.map((entry) => (
            <label key={entry.scope}>
              <input
                type="radio"
                name="remote-scope"
                checked={scope === entry.scope}
                onChange={() => {
                  setScope(entry.scope);
                  setFolder('');
                }}
              />
              {entry.label}
            </label>
          ))}
        </div>
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
        <div role="radiogroup" aria-label="View" className="segmented">
          {(
            [
              ['flat', 'Flat list'],
              ['folders', 'Folders'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input
                type="radio"
                name="remote-view"
                checked={view === value}
                onChange={() => chooseView(value)}
              />
              {label}
            </label>
          ))}
        </div>
      </div>
      <p className="muted scope-note" id="remote-scope-note">
        {scope === 'account'
          ? `Every file on ${pair.label}: this folder's, your other folders' and other devices', as this folder last listed them.`
          : pair.remoteFolder
            ? `What this folder keeps in “${pair.remoteFolder}” on ${pair.label}.`
            : `What this folder keeps on ${pair.label}.`}
      </p>
      {view === 'folders' &&
        (shownFolder === null ? (
          <p className="muted breadcrumbs-note">Search results from every folder</p>
        ) : (
          <FolderBreadcrumbs folder={shownFolder} onOpen={setFolder} />
        ))}
      <div className="selection-bar" role="region" aria-label="Selection">
        <span role="status">
          {rows.total === null
            ? 'Loading…'
            : count > 0
              ? `${formatCount(count)} selected${selectedBytes !== null ? ` · ${formatSize(selectedBytes)}` : ''}`
              : shownFolder !== null
                ? plural(total, 'item', 'items')
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
            {pair.canDelete
              ? 'The whole account is for looking: choose “Only this folder” to delete files.'
              : `${pair.label} has no way to delete files.`}
          </span>
        )}
      </div>
      {rows.error ? (
        <p role="alert">The remote list could not be read: {rows.error}</p>
      ) : rows.total === 0 ? (
        <p className="empty">
          {search || filter !== 'all'
            ? 'No remote files match.'
            : shownFolder
              ? 'This folder is empty now.'
              : scope === 'account'
                ? `Nothing on ${pair.label} yet.`
                : `Nothing here yet: add files to ${pair.folder} and they appear in seconds.`}
        </p>
      ) : (
        <RemoteGrid
          label={scope === 'account' ? `Every file on ${pair.label}` : 'Remote files'}
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
          showProcessing={pair.provider === 'openwebui'}
          pathPrefix={shownFolder ? `${shownFolder}/` : ''}
          {...(shownFolder !== null
            ? {
                onOpenFolder: setFolder,
                onFolderUp: () => shownFolder !== '' && setFolder(parentOf(shownFolder)),
              }
            : {})}
        />
      )}
      {deleting && (
        <DeleteDialog
          selection={toBridgeSelection(selection, { search, filter, folder: shownFolder })}
          remoteLabel={pair.label}
          onClose={(deleted) => {
            setDeleting(false);
            if (deleted) setSelection(EMPTY_SELECTION);
          }}
        />
      )}
    </section>
  );
}
