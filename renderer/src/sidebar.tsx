import { useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { FolderView } from '../../shared/bridge/contract.js';
import { ToneIcon } from './components/tone-icon.js';
import { summarizeFolder } from './folder-summary.js';
import { plural } from './format.js';
import { useNavigate } from './navigate.js';
import { hrefOf, type Route } from './routes.js';
import { useAppState, useFolders } from './store/use-app-store.js';

/**
 * The sidebar: All folders first, then each folder with its status in words, Add a folder, App
 * settings. The folder list is one tab stop (the current folder): arrow keys, Home and End move
 * between folders, so a hundred folders never mean a hundred Tab presses; it scrolls on its own.
 */
export function Sidebar({ route }: { route: Route }) {
  const folders = useFolders();
  const connection = useAppState((state) => state.connection);
  const navigate = useNavigate();
  const list = useRef<HTMLUListElement>(null);
  const follow = (target: Route) => (event: MouseEvent) => {
    event.preventDefault();
    navigate(target);
  };
  const chosen = route.kind === 'folder' ? route.folder : null;
  const focusable = chosen ?? folders[0]?.id ?? null;
  const onListKey = (event: KeyboardEvent<HTMLUListElement>): void => {
    const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a') ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next =
      event.key === 'ArrowDown'
        ? at + 1
        : event.key === 'ArrowUp'
          ? at - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? links.length - 1
              : null;
    if (next === null || links.length === 0) return;
    event.preventDefault();
    links[Math.max(0, Math.min(links.length - 1, next))]?.focus();
  };
  return (
    <nav className="sidebar" aria-label="Hoist">
      <div className="brand" aria-hidden="true">
        Hoist
      </div>
      <a
        className="nav-link"
        href={hrefOf({ kind: 'all' })}
        aria-current={route.kind === 'all' ? 'page' : undefined}
        onClick={follow({ kind: 'all' })}
      >
        All folders
      </a>
      <h2 id="sidebar-folders" className="nav-heading">
        Folders <span className="muted">({folders.length})</span>
      </h2>
      {folders.length === 0 ? (
        <p className="muted nav-empty">No folders yet</p>
      ) : (
        <ul className="folder-nav" aria-labelledby="sidebar-folders" ref={list} onKeyDown={onListKey}>
          {folders.map((folder) => (
            <FolderLink
              key={folder.id}
              folder={folder}
              current={folder.id === chosen}
              tabbable={folder.id === focusable}
              screen={route.kind === 'folder' ? route.screen : 'sync'}
              onFollow={follow}
            />
          ))}
        </ul>
      )}
      <div className="nav-foot">
        <a
          className="nav-link"
          href={hrefOf({ kind: 'add' })}
          aria-current={route.kind === 'add' ? 'page' : undefined}
          onClick={follow({ kind: 'add' })}
        >
          + Add a folder
        </a>
        <a
          className="nav-link"
          href={hrefOf({ kind: 'app-settings' })}
          aria-current={route.kind === 'app-settings' ? 'page' : undefined}
          onClick={follow({ kind: 'app-settings' })}
        >
          App settings
        </a>
        {connection !== 'open' && (
          <p className="connection" role="status">
            Reconnecting…
          </p>
        )}
        <p className="visually-hidden">{plural(folders.length, 'folder', 'folders')}</p>
      </div>
    </nav>
  );
}

function FolderLink({
  folder,
  current,
  tabbable,
  screen,
  onFollow,
}: {
  folder: FolderView;
  current: boolean;
  tabbable: boolean;
  screen: 'sync' | 'remote' | 'settings';
  onFollow: (route: Route) => (event: MouseEvent) => void;
}) {
  const status = useAppState((state) => state.statuses[folder.id] ?? null);
  const summary = summarizeFolder(folder, status);
  // Another folder opens on the screen shown now: comparing two folders' Remote files is one click.
  const target: Route = { kind: 'folder', folder: folder.id, screen };
  return (
    <li>
      <a
        className={`folder-link tone-${summary.tone}`}
        href={hrefOf(target)}
        aria-current={current ? 'page' : undefined}
        // Named in full here: read from the two lines, the name would depend on how they are laid out.
        aria-label={`${folder.name}, ${summary.short}`}
        tabIndex={tabbable ? 0 : -1}
        title={folder.folder}
        onClick={onFollow(target)}
      >
        <span className="status-icon" aria-hidden="true">
          <ToneIcon tone={summary.tone} />
        </span>
        <span className="folder-link-text">
          <span className="folder-link-name">{folder.name}</span>
          <span className="folder-link-state">{summary.short}</span>
        </span>
      </a>
    </li>
  );
}
