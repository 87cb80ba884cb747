import type { MainToCore } from '../core-process/core-protocol.js';
import { pauseEndsAt, type PauseChoice } from '../../../shared/pause-choice.js';
import type { WindowKind } from '../windows/window-kinds.js';
import type { AppMenuAction } from './app-menu-template.js';

/** What the tray's and the window menu's actions act on; Electron and the core channel behind it. */
export interface MenuActionTargets {
  sendToCore(message: MainToCore): void;
  openWindow(kind: WindowKind): void;
  /** The path of the folder with this id (a folder's own submenu), else of the first; '' if none. */
  folder(id?: string): string;
  openFolder(path: string): void;
  toggleNotifications(): void;
  toggleStartAtLogin(): void;
  quit(): void;
  now(): number;
}

/**
 * The path "Open folder" opens: the folder with this id (its submenu in the tray), or without one the
 * first folder (the only one, when the tray shows a single folder's menu); '' when there is none.
 */
export function folderPathFor(folders: readonly { id: string; path: string }[], id?: string): string {
  const folder = id === undefined ? folders[0] : folders.find((candidate) => candidate.id === id);
  return folder?.path ?? '';
}

/**
 * One function for every menu action, so the tray and the window menu cannot drift apart. `folder`
 * (an id, from a folder's submenu) narrows sync, pause, resume and open to that folder; without it
 * they act on every folder.
 */
export function menuActions(targets: MenuActionTargets): (action: AppMenuAction, folder?: string) => void {
  return (action, folder) => {
    const which = folder === undefined ? {} : { folder };
    switch (action) {
      case 'sync-now':
      case 'resume':
        return targets.sendToCore({ type: 'tray-command', command: action, until: null, ...which });
      case 'pause:one-hour':
      case 'pause:until-tomorrow':
      case 'pause:until-resumed': {
        const choice = action.slice('pause:'.length) as PauseChoice;
        return targets.sendToCore({
          type: 'tray-command',
          command: 'pause',
          until: pauseEndsAt(choice, targets.now()),
          ...which,
        });
      }
      case 'open-folder': {
        const path = targets.folder(folder);
        if (path !== '') targets.openFolder(path);
        return;
      }
      case 'open-hoist':
        return targets.openWindow('main');
      case 'browse-remote':
        return targets.openWindow('browse');
      case 'settings':
        return targets.openWindow('settings');
      case 'toggle-notifications':
        return targets.toggleNotifications();
      case 'toggle-start-at-login':
        return targets.toggleStartAtLogin();
      case 'quit':
        return targets.quit();
    }
  };
}
