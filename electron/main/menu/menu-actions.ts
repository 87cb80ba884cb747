import type { MainToCore } from '../core-process/core-protocol.js';
import { pauseEndsAt, type PauseChoice } from '../../../shared/pause-choice.js';
import type { WindowKind } from '../windows/window-kinds.js';
import type { AppMenuAction } from './app-menu-template.js';

/** What the tray's and the window menu's actions act on; Electron and the core channel behind it. */
export interface MenuActionTargets {
  sendToCore(message: MainToCore): void;
  openWindow(kind: WindowKind): void;
  /** The folder of the pair being shown, or '' when there is none. */
  folder(): string;
  openFolder(path: string): void;
  toggleNotifications(): void;
  toggleStartAtLogin(): void;
  quit(): void;
  now(): number;
}

/** One function for every menu action, so the tray and the window menu cannot drift apart. */
export function menuActions(targets: MenuActionTargets): (action: AppMenuAction) => void {
  return (action) => {
    switch (action) {
      case 'sync-now':
      case 'resume':
        return targets.sendToCore({ type: 'tray-command', command: action, until: null });
      case 'pause:one-hour':
      case 'pause:until-tomorrow':
      case 'pause:until-resumed': {
        const choice = action.slice('pause:'.length) as PauseChoice;
        return targets.sendToCore({
          type: 'tray-command',
          command: 'pause',
          until: pauseEndsAt(choice, targets.now()),
        });
      }
      case 'open-folder': {
        const folder = targets.folder();
        if (folder !== '') targets.openFolder(folder);
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
