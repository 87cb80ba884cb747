import type { BridgeEndpoint } from '../ipc/bridge-relay.js';
import type { ChannelCredentialStore } from './channel-credential-store.js';
import { runFolderCommand, watchFolderRows } from './core-folders.js';
import type { CoreFolderRow, TrayCommand } from './core-protocol.js';
import type { DesktopShellClient } from './desktop-shell-client.js';
import { importFromDist } from './dist-module.js';
import type * as AppCoreModule from '../../host/app-core.js';
import type * as DataPathsModule from '../../host/data-paths.js';
import type * as SqliteModule from '../../base/sqlite.js';

/** What the utility process runs: the app core with its bridge server, as main needs it. */
export interface CoreServices {
  /** The BridgeServer (shared/bridge contract): one connection per renderer window. */
  bridge: BridgeEndpoint;
  /** Every folder's row when one changes, for the tray and notifications; returns an unsubscribe. */
  onStatus(listener: (folders: CoreFolderRow[]) => void): () => void;
  /**
   * Sync now, pause until (null: until resumed), resume: the tray's and the window menu's actions, on
   * the folder with id `folder` or, without it, on every folder.
   */
  runTrayCommand(command: TrayCommand, until: number | null, folder?: string): Promise<void>;
  /**
   * Stops every pair: uploads in flight are abandoned (a file is recorded as synced only after its
   * upload finished, so an abandoned one is simply uploaded again next time), the embedded remote and
   * the databases are closed.
   */
  close(): Promise<void>;
}

export interface CoreContext {
  /** Tokens: asks main, which owns the keychain. */
  credentials: ChannelCredentialStore;
  /** The native folder picker, "Show in folder" and "Open folder" (main does them). */
  desktop: DesktopShellClient;
  /** The app's root (the source tree, or app.asar): `importFromDist(appRoot, …)` loads the app core. */
  appRoot: string;
  /** The Electron build of better-sqlite3 (see sqlite-binding.ts), or null to use the default one. */
  sqliteNativeBinding: string | null;
  log: (line: string) => void;
}

/**
 * Builds the app core (startAppCore: issue 9's app core over issue 8's openPair, and its BridgeServer)
 * with `context.credentials` as its CredentialStore; status events feed `onStatus`, the tray's
 * commands go to the named folder's SyncService (core-folders.ts). Loaded with `importFromDist` (dist-module.ts), not a static
 * import: bundled into out/main, the engine's worker threads would lose their files.
 * `context.sqliteNativeBinding` is routed to better-sqlite3's `nativeBinding` (base/sqlite.ts). Main's
 * abilities reach Settings through the app core's DesktopHost: the folder picker, the file manager and
 * the desktop switches; `context.credentials` offers session-only tokens where no keychain works.
 */
export async function createCoreServices(context: CoreContext): Promise<CoreServices> {
  const { startAppCore } = await importFromDist<typeof AppCoreModule>(
    context.appRoot,
    'electron/host/app-core.ts',
  );
  const { defaultDataRoot } = await importFromDist<typeof DataPathsModule>(
    context.appRoot,
    'electron/host/data-paths.ts',
  );
  // Before anything opens a database: every SQLite file of the app core (state, catalog, lock) then
  // loads the Electron build of better-sqlite3, through the same module instance the core uses.
  const { useSqliteNativeBinding } = await importFromDist<typeof SqliteModule>(
    context.appRoot,
    'electron/base/sqlite.ts',
  );
  useSqliteNativeBinding(context.sqliteNativeBinding);
  const core = await startAppCore({
    dataRoot: defaultDataRoot(),
    credentials: context.credentials,
    desktop: {
      pickFolder: () => context.desktop.pickFolder(),
      openFolder: (path) => context.desktop.openFolder(path),
      showInFolder: (path) => context.desktop.showInFolder(path),
      switches: (change) => context.desktop.desktopSettings(change),
    },
    log: context.log,
  });
  const { app } = core;
  return {
    bridge: core.bridge,
    onStatus: (listener) => watchFolderRows(app, listener),
    runTrayCommand: (command, until, folder) => runFolderCommand(app, command, until, folder),
    close: () => core.close(),
  };
}
