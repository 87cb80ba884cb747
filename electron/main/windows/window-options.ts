import type { BrowserWindowConstructorOptions } from 'electron';
import type { Rectangle } from './window-bounds.js';
import { WINDOW_SPECS, type WindowKind } from './window-kinds.js';

/**
 * Every window's options, locked down the same way (Electron's security checklist): the renderer gets
 * no Node, runs sandboxed in an isolated world, and sees only what the preload exposes.
 */
export function windowOptions(
  kind: WindowKind,
  options: { preload: string; bounds: Rectangle; icon?: string },
): BrowserWindowConstructorOptions {
  const spec = WINDOW_SPECS[kind];
  return {
    ...options.bounds,
    minWidth: spec.minWidth,
    minHeight: spec.minHeight,
    title: spec.title,
    // Shown once the first paint is ready, so a window never flashes white.
    show: false,
    ...(options.icon === undefined ? {} : { icon: options.icon }),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
