import { BrowserWindow, screen } from 'electron';
import type { AppOrigin } from './app-origin.js';
import { appPageUrl } from './app-protocol.js';
import { placeWindow } from './window-bounds.js';
import { WINDOW_SPECS, type WindowKind } from './window-kinds.js';
import { windowOptions } from './window-options.js';
import type { WindowStateFile } from './window-state-file.js';

/**
 * Electron wiring for the three windows (one instance each, size and position remembered). The
 * decisions (options, placement, guards) are in the plain modules beside this file.
 */
export class WindowManager {
  private readonly windows = new Map<WindowKind, BrowserWindow>();

  constructor(
    private readonly options: {
      origin: AppOrigin;
      preload: string;
      icon: string;
      state: WindowStateFile;
      /** Main window close: return true to keep the app running (hide instead of closing). */
      onMainClose: () => boolean;
      log: (line: string) => void;
    },
  ) {}

  open(kind: WindowKind): BrowserWindow {
    const existing = this.windows.get(kind);
    if (existing !== undefined && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    }
    const spec = WINDOW_SPECS[kind];
    const primary = screen.getPrimaryDisplay();
    const workAreas = [
      primary,
      ...screen.getAllDisplays().filter((display) => display.id !== primary.id),
    ].map((display) => display.workArea);
    const bounds = placeWindow(this.options.state.get(kind), workAreas, spec);
    const window = new BrowserWindow(
      windowOptions(kind, { preload: this.options.preload, bounds, icon: this.options.icon }),
    );
    this.windows.set(kind, window);
    window.once('ready-to-show', () => window.show());
    window.on('close', (event) => {
      void this.options.state.save(kind, window.getNormalBounds()).catch((error: unknown) => {
        this.options.log(`could not save the window position: ${(error as Error).message}`);
      });
      if (kind === 'main' && this.options.onMainClose()) {
        event.preventDefault();
        window.hide();
      }
    });
    window.on('closed', () => this.windows.delete(kind));
    void this.load(window, spec.route);
    return window;
  }

  /** Remembers where every open window is (at quit, before anything closes). */
  async saveAll(): Promise<void> {
    for (const [kind, window] of this.windows) {
      if (!window.isDestroyed()) await this.options.state.save(kind, window.getNormalBounds());
    }
  }

  /** After the app core restarted, the pages start over against the new bridge server. */
  reloadAll(): void {
    for (const window of this.windows.values()) if (!window.isDestroyed()) window.webContents.reload();
  }

  focused(): BrowserWindow | null {
    return BrowserWindow.getFocusedWindow();
  }

  private async load(window: BrowserWindow, route: string): Promise<void> {
    const origin = this.options.origin;
    await window.loadURL(origin.kind === 'dev-server' ? `${origin.origin}#${route}` : appPageUrl(route));
  }
}
