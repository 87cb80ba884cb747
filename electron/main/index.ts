import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, Notification, session, shell } from 'electron';
import { openKeychain } from '../host/credentials/open-keychain.js';
import { CoreBridgeClient } from './core-process/core-bridge-client.js';
import { routeCoreMessage } from './core-process/core-message-router.js';
import type { CoreFolderRow } from './core-process/core-protocol.js';
import { DesktopCredentials } from './core-process/desktop-credentials.js';
import { CoreSupervisor } from './core-process/supervisor.js';
import { forkCoreProcess } from './core-process/utility-process-child.js';
import { startBridgeRelay } from './ipc/bridge-relay.js';
import { LoginItem, startedAtLogin } from './login-item/login-item.js';
import { createMainLog } from './logging/main-log.js';
import { appMenuTemplate } from './menu/app-menu-template.js';
import { folderPathFor, menuActions } from './menu/menu-actions.js';
import { NotificationPolicy, type DesktopNotification } from './notifications/notification-policy.js';
import { answerDesktopSettings } from './settings/desktop-settings-handler.js';
import { ShellSettingsFile } from './settings/shell-settings.js';
import { electronShellApi, isDirectory } from './shell-actions/electron-shell-api.js';
import { answerShellRequest } from './shell-actions/shell-request-handler.js';
import { TrayController } from './tray/tray-controller.js';
import { appIconFile } from './tray/tray-icons.js';
import { foldersTrayModel, type TrayFolder } from './tray/folders-tray-model.js';
import type { CoreState, TrayModel } from './tray/tray-model.js';
import { LatestValueThrottle } from './updates/latest-value-throttle.js';
import { isOwnUrl, type AppOrigin } from './windows/app-origin.js';
import { registerAppScheme, serveRenderer } from './windows/app-protocol-handler.js';
import {
  denyPermissionCheck,
  denyPermissionRequest,
  navigationGuard,
  refuseWebview,
  windowOpenHandler,
} from './windows/web-guards.js';
import { WindowManager } from './windows/window-manager.js';
import { WindowStateFile } from './windows/window-state-file.js';

// Electron main: lifecycle, tray, windows, menus, notifications, the keychain and the IPC relay. This
// file is wiring only; every decision lives in a plain module beside it, tested under Node. The app
// core runs in a utility process (core-process/core-entry.ts), so a long scan or SQLite write never
// blocks the tray or a window.

// A temp profile for tests and a second, separate copy of the app: Electron's own data (window state,
// shell settings, main's log) goes where HOIST_USER_DATA says.
if (process.env.HOIST_USER_DATA) app.setPath('userData', process.env.HOIST_USER_DATA);
// app:// must be privileged (its own secure origin) before the app is ready.
registerAppScheme();

const log = createMainLog(join(app.getPath('userData'), 'logs', 'main.log'));

if (!app.requestSingleInstanceLock()) {
  // The running Hoist gets 'second-instance' and comes to the front; this one just leaves.
  app.exit(0);
} else {
  void main();
}

async function main(): Promise<void> {
  const development = !app.isPackaged && process.env.ELECTRON_RENDERER_URL !== undefined;
  const origin: AppOrigin = development
    ? { kind: 'dev-server', origin: process.env.ELECTRON_RENDERER_URL as string }
    : { kind: 'app', rendererDir: join(__dirname, '..', 'renderer') };
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(__dirname, '..', '..', 'resources');
  const settings = new ShellSettingsFile(join(app.getPath('userData'), 'shell-settings.json'));
  const windowState = new WindowStateFile(join(app.getPath('userData'), 'window-state.json'));
  const loginItem = new LoginItem(app, process.platform, process.execPath);
  const notifications = new NotificationPolicy({ enabled: () => settings.current.notifications });
  const credentials = new DesktopCredentials(() => openKeychain());
  let quitting = false;
  /** Every configured folder as the core last reported it. */
  let rows: CoreFolderRow[] = [];
  let core: CoreState = 'starting';
  let restarted = false;

  // Every webContents, whatever created it: no navigation away, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents) => {
    const guard = navigationGuard(origin);
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', refuseWebview);
    contents.setWindowOpenHandler(windowOpenHandler((url) => void shell.openExternal(url), log));
  });

  await app.whenReady();
  await Promise.all([settings.load(), windowState.load()]);
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
  // Our pages, with the CSP as a header, from app://hoist/ (never file://: see app-protocol.ts).
  if (origin.kind === 'app') serveRenderer(origin.rendererDir);

  const windows = new WindowManager({
    origin,
    preload: join(__dirname, '..', 'preload', 'index.cjs'),
    icon: appIconFile(resourcesDir),
    state: windowState,
    log,
    onMainClose: () => {
      if (quitting) return false;
      if (!settings.current.closeNoticeShown) {
        // Where no tray shows (GNOME without an AppIndicator extension), this is how people learn
        // Hoist is still there, and how to get back to it.
        const notice = {
          title: 'Hoist is still running',
          body: 'It keeps syncing in the background. Open it from the tray icon or by starting Hoist again; quit from the Hoist menu.',
        };
        // A desktop without a notification service still gets told, once, in a dialog.
        if (Notification.isSupported()) notify({ ...notice, opens: 'main' });
        else void dialog.showMessageBox({ type: 'info', message: notice.title, detail: notice.body });
        void settings.update({ closeNoticeShown: true });
      }
      return true;
    },
  });

  const supervisor = new CoreSupervisor({
    spawn: () => forkCoreProcess(__dirname, log),
    onMessage: (message) =>
      routeCoreMessage(message, {
        // Each folder's pause end is in its status (pausedUntil), which the tray reads per folder.
        status: (next) => {
          rows = next;
          for (const shown of notifications.observeFolders(folders(), Date.now())) notify(shown);
          refresh();
        },
        bridge: (connection, message) => bridgeClient.deliver(connection, message),
        credentials: (request) => credentials.answer(request),
        shell: (request) =>
          answerShellRequest(
            request,
            electronShellApi(() => windows.focused()),
          ),
        desktopSettings: (request) =>
          answerDesktopSettings(request, { settings, loginItem, changed: refresh }),
        reply: (message) => void supervisor.send(message),
        log,
      }),
    onState: (state, detail) => {
      if (detail !== null) log(detail);
      if (state === 'restarting' || state === 'failed') {
        relay.closeConnections();
        bridgeClient.forgetAll();
        restarted = true;
      }
      if (state === 'running') {
        bridgeClient.coreReady();
        if (restarted) windows.reloadAll();
      }
      if (state === 'failed' && core !== 'failed' && detail !== null) {
        notify({
          title: 'Hoist’s sync process keeps stopping',
          body: `${detail}. Hoist keeps trying.`,
          opens: 'main',
        });
      }
      core = state;
      refresh();
    },
  });
  const bridgeClient = new CoreBridgeClient((message) => supervisor.send(message), log);
  const relay = startBridgeRelay({
    ipcMain,
    bridge: bridgeClient,
    isOwnUrl: (url) => isOwnUrl(url, origin),
    log,
  });

  const run = menuActions({
    sendToCore: (message) => void supervisor.send(message),
    openWindow: (kind) => void windows.open(kind),
    folder: (id) => folderPathFor(rows, id),
    // Only a folder: openPath on a file would run it with its default application.
    openFolder: (folder) =>
      void isDirectory(folder).then(async (yes) => {
        if (yes) await shell.openPath(folder);
      }),
    toggleNotifications: () =>
      void settings.update({ notifications: !settings.current.notifications }).then(refresh),
    toggleStartAtLogin: () =>
      void loginItem
        .isOn()
        .then((on) => loginItem.set(!on))
        .then(refresh, (error: unknown) => log(`start at login: ${(error as Error).message}`)),
    quit: () => app.quit(),
    now: () => Date.now(),
  });

  const formatTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const model = (): TrayModel =>
    foldersTrayModel({
      folders: folders(),
      core,
      now: Date.now(),
      formatTime: (at) => formatTime.format(at),
    });
  const tray = new TrayController(resourcesDir, run, model());
  const menuUpdates = new LatestValueThrottle<TrayModel>(1000, (current) => {
    void loginItem.isOn().then((startAtLogin) =>
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate(
            {
              tray: current,
              notifications: settings.current.notifications,
              startAtLogin,
              isMac: process.platform === 'darwin',
              development,
            },
            run,
          ),
        ),
      ),
    );
  });
  let lastMenu = '';
  function refresh(): void {
    const current = model();
    tray.update(current);
    const key = JSON.stringify(current.items) + String(settings.current.notifications);
    if (key !== lastMenu) {
      lastMenu = key;
      menuUpdates.push(current);
    }
  }

  /** The folders the tray and notifications summarise: every configured one, as the core reports them. */
  function folders(): TrayFolder[] {
    return rows;
  }

  let notificationTimer: NodeJS.Timeout | null = null;
  function notify(notification: Pick<DesktopNotification, 'title' | 'body' | 'opens'>): void {
    if (!Notification.isSupported()) return;
    const shown = new Notification({
      title: notification.title,
      body: notification.body,
      icon: appIconFile(resourcesDir),
    });
    shown.on('click', () => windows.open(notification.opens));
    shown.show();
    // Summaries held back by the quiet period come out when it ends, even if no status arrives then.
    const next = notifications.nextDueAt();
    if (notificationTimer !== null) clearTimeout(notificationTimer);
    notificationTimer =
      next === null
        ? null
        : setTimeout(() => notifications.due(Date.now()).forEach(notify), Math.max(0, next - Date.now()));
  }

  app.on('second-instance', () => windows.open('main'));
  app.on('activate', () => windows.open('main'));
  // Closing every window keeps Hoist in the tray; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void (async () => {
      relay.close();
      menuUpdates.dispose();
      if (notificationTimer !== null) clearTimeout(notificationTimer);
      await Promise.all([supervisor.stop(), windows.saveAll()]);
      tray.destroy();
      // Quits for real this time: windows close (the main one no longer hides) and the app exits.
      app.quit();
    })();
  });

  supervisor.start();
  refresh();
  if (!startedAtLogin(process.argv)) windows.open('main');
}
