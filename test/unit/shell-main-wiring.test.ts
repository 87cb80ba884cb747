import type { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

// Electron main's wiring, run under Node against stand-ins for the Electron APIs it calls (the Electron
// binary cannot run here). Each fake records what main did with it; the app core's utilityProcess is a
// fake child that speaks the core protocol. This checks the wiring (what is connected to what), not
// Electron itself: that is the end-to-end test's job where a binary exists.

const record = vi.hoisted(() => {
  const state = {
    userData: '',
    windows: [] as Array<{
      options: { webPreferences: Record<string, unknown>; title: string };
      loaded: Array<[string, unknown]>;
      webContents: { id: number; sent: Array<[string, unknown]> };
      emit: (event: string, ...args: unknown[]) => boolean;
      hidden: boolean;
    }>,
    trays: [] as Array<{ tooltip: string; menus: unknown[][]; destroyed: boolean }>,
    cores: [] as Array<{ posted: unknown[]; emit: (event: string, ...args: unknown[]) => boolean }>,
    appEvents: null as EventEmitter | null,
    ipc: null as EventEmitter | null,
    quits: 0,
    permissionHandler: null as unknown,
    applicationMenus: [] as unknown[][],
    /** The order of the calls whose order Electron insists on (a scheme is privileged before ready). */
    sequence: [] as string[],
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  let nextId = 1;
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    exit: () => undefined,
    whenReady: () => {
      record.sequence.push('when-ready');
      return Promise.resolve();
    },
    setPath: () => undefined,
    getPath: () => record.userData,
    setLoginItemSettings: () => undefined,
    getLoginItemSettings: () => ({ openAtLogin: false }),
    quit() {
      record.quits++;
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      app.emit('before-quit', event);
    },
  });
  record.appEvents = app;
  const ipcMain = new EventEmitter();
  record.ipc = ipcMain;

  class WebContents extends EventEmitter {
    readonly id = nextId++;
    readonly sent: Array<[string, unknown]> = [];
    send(channel: string, message: unknown): void {
      this.sent.push([channel, message]);
    }
    isDestroyed(): boolean {
      return false;
    }
    setWindowOpenHandler(): void {}
    reload(): void {}
  }
  class BrowserWindow extends EventEmitter {
    readonly webContents = new WebContents();
    readonly loaded: Array<[string, unknown]> = [];
    hidden = false;
    constructor(readonly options: { webPreferences: Record<string, unknown>; title: string }) {
      super();
      app.emit('web-contents-created', {}, this.webContents);
      record.windows.push(this);
    }
    async loadFile(file: string, options: unknown): Promise<void> {
      this.loaded.push([file, options]);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push([url, null]);
    }
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    show(): void {
      this.hidden = false;
    }
    hide(): void {
      this.hidden = true;
    }
    focus(): void {}
    restore(): void {}
    getNormalBounds() {
      return { x: 10, y: 20, width: 900, height: 600 };
    }
    static getFocusedWindow(): null {
      return null;
    }
    static getAllWindows(): unknown[] {
      return [];
    }
  }
  class Tray extends EventEmitter {
    readonly entry = { tooltip: '', menus: [] as unknown[][], destroyed: false };
    constructor() {
      super();
      record.trays.push(this.entry);
    }
    setImage(): void {}
    setToolTip(text: string): void {
      this.entry.tooltip = text;
    }
    setContextMenu(menu: { template: unknown[] }): void {
      this.entry.menus.push(menu.template);
    }
    destroy(): void {
      this.entry.destroyed = true;
    }
  }
  class Notification extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    show(): void {}
  }
  const utilityProcess = {
    fork() {
      const child = Object.assign(new EventEmitter(), {
        posted: [] as unknown[],
        stdout: null,
        stderr: null,
        postMessage(message: { type: string }) {
          child.posted.push(message);
          if (message.type === 'stop') {
            setImmediate(() => {
              child.emit('message', { type: 'stopped' });
              child.emit('exit', 0);
            });
          }
        },
        kill: () => true,
      });
      record.cores.push({ posted: child.posted, emit: (event, ...args) => child.emit(event, ...args) });
      setImmediate(() => child.emit('message', { type: 'ready' }));
      return child;
    },
  };
  const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  return {
    app,
    ipcMain,
    BrowserWindow,
    Tray,
    Notification,
    utilityProcess,
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (menu: { template: unknown[] }) => record.applicationMenus.push(menu.template),
    },
    nativeImage: { createFromPath: () => ({ setTemplateImage: () => undefined }) },
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        record.sequence.push('register-schemes');
        record.privilegedSchemes.push(...schemes);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        record.sequence.push(`handle ${scheme}`);
        record.protocolHandlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: unknown) => (record.permissionHandler = handler),
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: {
      openExternal: async () => undefined,
      openPath: async () => '',
      showItemInFolder: () => undefined,
    },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  };
});

const until = async (condition: () => boolean): Promise<void> => {
  // Polls with a generous cap: the tray redraws on a 300 ms throttle, and the machine may be busy.
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
};

let temp: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('hoist-main-wiring-');
  record.userData = temp.path;
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await import('../../electron/main/index.js');
});
afterAll(async () => {
  await temp.remove();
});

describe('Electron main wiring', () => {
  it('opens the main window locked down, on the sync route, with guards on its webContents', async () => {
    await until(() => record.windows.length === 1);
    const [main] = record.windows;
    expect(main!.options.title).toBe('Hoist');
    expect(main!.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(String(main!.options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(main!.loaded[0]).toEqual(['app://hoist/index.html#/sync', null]);
    expect(record.permissionHandler).not.toBeNull();
  });

  it('makes app:// a privileged scheme before ready, and answers it with the renderer handler', async () => {
    expect(record.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(record.sequence.slice(0, 3)).toEqual(['register-schemes', 'when-ready', 'handle app']);
    // The renderer folder main points at (electron/renderer beside this source file) is not built
    // here, so the page is a 404; what matters is that it is app-protocol.ts answering, with its CSP.
    const answer = await record.protocolHandlers.get('app')!(new Request('app://hoist/../../package.json'));
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });

  it('starts the app core, shows a tray whose menu can open Hoist, and relays the bridge both ways', async () => {
    await until(() => record.cores.length === 1 && record.trays.length === 1);
    const tray = record.trays[0]!;
    const labels = (tray.menus.at(-1) as Array<{ label?: string }>).map((item) => item.label);
    expect(labels).toContain('Open Hoist');
    expect(labels).toContain('Quit Hoist');

    const [main] = record.windows;
    const frame = { url: main!.loaded[0]![0], parent: null };
    record.ipc!.emit('hoist:bridge', { sender: main!.webContents, senderFrame: frame }, { type: 'hello' });
    const core = record.cores[0]!;
    await until(() => core.posted.length >= 2);
    expect(core.posted).toEqual([
      { type: 'bridge-open', connection: 1 },
      { type: 'bridge-message', connection: 1, message: { type: 'hello' } },
    ]);
    core.emit('message', { type: 'bridge-message', connection: 1, message: { type: 'welcome' } });
    expect(main!.webContents.sent).toEqual([['hoist:bridge', { type: 'welcome' }]]);

    // A foreign frame gets nothing through.
    record.ipc!.emit(
      'hoist:bridge',
      { sender: main!.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { type: 'evil' },
    );
    expect(core.posted).toHaveLength(2);
  });

  it('redraws the tray from the status the core reports', async () => {
    const core = record.cores[0]!;
    // One row per configured folder (core-protocol.ts), here one.
    core.emit('message', {
      type: 'status',
      folders: [
        {
          id: 'f1',
          name: 'Documents',
          path: '/home/ada/Documents',
          openError: null,
          status: {
            state: 'auth-failed',
            folder: '/home/ada/Documents',
            provider: 'alloy',
            remoteLabel: 'Alloy',
            counts: { total: 1, synced: 0, pending: 1, uploading: 0, failed: 0, conflict: 0, deleted: 0 },
            notSynced: { needsAttention: 0, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
            progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
            lastSyncAt: null,
            lastRemoteRefreshAt: null,
            problems: [],
            paused: false,
          },
        },
      ],
    });
    await until(() => record.trays[0]!.tooltip.startsWith('Hoist: Alloy rejected the API key'));
    await until(() => record.applicationMenus.length > 0);
  });

  it('closing the main window hides it; Quit stops the core first, then quits', async () => {
    const [main] = record.windows;
    const close = { prevented: false, preventDefault: () => (close.prevented = true) };
    main!.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(main!.hidden).toBe(true);

    const { app } = (await import('electron')) as unknown as { app: { quit(): void } };
    app.quit();
    const core = record.cores[0]!;
    expect(core.posted.at(-1)).toEqual({ type: 'stop' });
    await until(() => record.quits === 2);
    expect(record.trays[0]!.destroyed).toBe(true);
    // Quitting for real: the main window closes instead of hiding.
    const last = { prevented: false, preventDefault: () => (last.prevented = true) };
    main!.emit('close', last);
    expect(last.prevented).toBe(false);
  });
});
