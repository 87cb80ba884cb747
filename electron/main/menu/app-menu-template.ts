import type { MenuItemConstructorOptions } from 'electron';
import { trayMenuTemplate } from '../tray/tray-menu-template.js';
import type { TrayAction, TrayModel } from '../tray/tray-model.js';

export interface AppMenuState {
  tray: TrayModel;
  notifications: boolean;
  startAtLogin: boolean;
  isMac: boolean;
  /** Development only: reload and developer tools. */
  development: boolean;
}

export type AppMenuAction = TrayAction | 'toggle-notifications' | 'toggle-start-at-login';

/**
 * The Hoist window's menu bar. On GNOME without an AppIndicator extension there is no tray at all, and
 * an app cannot tell; so every tray action is here too (the same items, from the same model), plus the
 * shell's two switches. Plain data (a type import only), tested under Node.
 */
export function appMenuTemplate(
  state: AppMenuState,
  run: (action: AppMenuAction, folder?: string) => void,
): MenuItemConstructorOptions[] {
  // The tray's items minus Quit, which goes last in the menu with its accelerator.
  const trayItems = state.tray.items.filter((item) => !(item.kind === 'action' && item.action === 'quit'));
  while (trayItems.at(-1)?.kind === 'separator') trayItems.pop();
  const hoist: MenuItemConstructorOptions = {
    label: 'Hoist',
    submenu: [
      ...trayMenuTemplate(trayItems, run),
      { type: 'separator' },
      {
        label: 'Start Hoist at login',
        type: 'checkbox',
        checked: state.startAtLogin,
        click: () => run('toggle-start-at-login'),
      },
      {
        label: 'Show notifications',
        type: 'checkbox',
        checked: state.notifications,
        click: () => run('toggle-notifications'),
      },
      { type: 'separator' },
      { label: 'Quit Hoist', accelerator: 'CmdOrCtrl+Q', click: () => run('quit') },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(state.development
        ? ([
            { role: 'reload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const window: MenuItemConstructorOptions = {
    label: 'Window',
    submenu: [{ role: 'minimize' }, { role: 'close' }],
  };
  return [hoist, edit, view, window];
}
