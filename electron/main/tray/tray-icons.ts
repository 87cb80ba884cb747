import { join } from 'node:path';
import type { TrayIconState } from './tray-model.js';

/**
 * The tray icon file for a state. macOS wants a monochrome "template" image it tints for the menu bar
 * (the file name must end in Template); other platforms get the coloured one.
 */
export function trayIconFile(resourcesDir: string, state: TrayIconState, platform: NodeJS.Platform): string {
  const name = platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
  return join(resourcesDir, 'icons', 'tray', name);
}

export function appIconFile(resourcesDir: string): string {
  return join(resourcesDir, 'icons', 'hoist-512.png');
}
