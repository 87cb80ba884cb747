import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem } from './tray-model.js';

/**
 * The tray model as Electron menu options. Plain data (a type import only), so the mapping is tested
 * under Node; main passes the result to Menu.buildFromTemplate.
 */
export function trayMenuTemplate(
  items: readonly TrayMenuItem[],
  run: (action: TrayAction, folder?: string) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'label':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          click: () => (item.folder === undefined ? run(item.action) : run(item.action, item.folder)),
        };
      case 'submenu':
        return { label: item.label, enabled: item.enabled, submenu: trayMenuTemplate(item.items, run) };
    }
  });
}
