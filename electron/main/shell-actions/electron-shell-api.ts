import { stat } from 'node:fs/promises';
import { dialog, shell, type BrowserWindow } from 'electron';
import type { DesktopShellApi } from './shell-request-handler.js';

/** The folder picker and the file manager through Electron's dialog and shell. */
export function electronShellApi(focusedWindow: () => BrowserWindow | null): DesktopShellApi {
  return {
    pickFolder: async () => {
      const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'] };
      const parent = focusedWindow();
      const result =
        parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    showItemInFolder: (path) => shell.showItemInFolder(path),
    openPath: (path) => shell.openPath(path),
    isDirectory,
  };
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}
