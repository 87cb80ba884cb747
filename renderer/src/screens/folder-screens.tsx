import type { MouseEvent } from 'react';
import { useNavigate } from '../navigate.js';
import { hrefOf, type FolderScreen } from '../routes.js';
import { FolderContext, useFolder } from '../store/folder-context.js';
import { FolderSettingsScreen } from './folder-settings-screen.js';
import { RemoteFilesScreen } from './remote-files-screen.js';
import { SyncScreen } from './sync-screen.js';

const TABS: Array<{ screen: FolderScreen; label: string }> = [
  { screen: 'sync', label: 'Sync' },
  { screen: 'remote', label: 'Remote files' },
  { screen: 'settings', label: 'Settings' },
];

/** One folder's screens (Sync, Remote files, Settings), every one acting on that folder. */
export function FolderScreens({ folder, screen }: { folder: string; screen: FolderScreen }) {
  return (
    <FolderContext.Provider value={folder}>
      <FolderTabs screen={screen} />
    </FolderContext.Provider>
  );
}

function FolderTabs({ screen }: { screen: FolderScreen }) {
  const folder = useFolder();
  const navigate = useNavigate();
  const go = (target: FolderScreen) => (event: MouseEvent) => {
    event.preventDefault();
    navigate({ kind: 'folder', folder: folder.id, screen: target });
  };
  return (
    <>
      <div className="folder-heading">
        <p className="folder-title" title={folder.folder}>
          <strong>{folder.name}</strong>{' '}
          <span className="muted">
            {folder.folder} → {folder.label}
            {folder.remoteFolder ? ` · ${folder.remoteFolder}` : ''}
          </span>
        </p>
        <nav aria-label={`Folder ${folder.name}`} className="tabs">
          {TABS.map((tab) => (
            <a
              key={tab.screen}
              href={hrefOf({ kind: 'folder', folder: folder.id, screen: tab.screen })}
              aria-current={tab.screen === screen ? 'page' : undefined}
              onClick={go(tab.screen)}
            >
              {tab.label}
            </a>
          ))}
        </nav>
      </div>
      {screen === 'settings' ? (
        <FolderSettingsScreen />
      ) : folder.openError !== null ? (
        <OpenError screen={screen} />
      ) : folder.opening ? (
        <section className="screen">
          <h1>{screen === 'remote' ? 'Remote files' : 'Sync'}</h1>
          <p role="status">Opening {folder.name}…</p>
        </section>
      ) : screen === 'remote' ? (
        <RemoteFilesScreen />
      ) : (
        <SyncScreen
          onOpenSettings={() => navigate({ kind: 'folder', folder: folder.id, screen: 'settings' })}
        />
      )}
    </>
  );
}

/** A folder that could not be opened: why, in the host's words, and what to do about it. */
function OpenError({ screen }: { screen: FolderScreen }) {
  const folder = useFolder();
  const navigate = useNavigate();
  return (
    <section className="screen">
      <h1>{screen === 'remote' ? 'Remote files' : 'Sync'}</h1>
      <div className="problem" role="alert">
        <p>
          <strong>{folder.name} could not be opened.</strong> {folder.openError}
        </p>
        <p>
          The other folders keep syncing. Fix it in this folder’s settings (another token or remote), or
          remove the folder from Hoist; its files and their remote copies stay where they are.
        </p>
        <div className="toolbar">
          <button
            type="button"
            onClick={() => navigate({ kind: 'folder', folder: folder.id, screen: 'settings' })}
          >
            Open settings
          </button>
        </div>
      </div>
    </section>
  );
}
