import type { SyncStatus } from '../../../shared/sync-types.js';
import type { BridgeEndpoint } from '../ipc/bridge-relay.js';
import type { ChannelCredentialStore } from './channel-credential-store.js';
import type { TrayCommand } from './core-protocol.js';
import type { DesktopShellClient } from './desktop-shell-client.js';

/** What the utility process runs: the app core with its bridge server, as main needs it. */
export interface CoreServices {
  /** The BridgeServer (shared/bridge contract): one connection per renderer window. */
  bridge: BridgeEndpoint;
  /** Every status change, for the tray and notifications; returns an unsubscribe. */
  onStatus(listener: (status: SyncStatus | null, pausedUntil: number | null) => void): () => void;
  /** Sync now, pause until (null: until resumed), resume: the tray's and the window menu's actions. */
  runTrayCommand(command: TrayCommand, until: number | null): Promise<void>;
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
 * MERGE POINT: builds the app core (issue 9's app core over issue 8's openPair) and its BridgeServer.
 * Neither is on this branch, so this is the one function to complete at merge: construct the app core
 * with `context.credentials` as its CredentialStore, `new BridgeServer(appCore)` as `bridge`, map the
 * app core's status events to `onStatus`, its sync-now / pause / resume to `runTrayCommand`, and its
 * shutdown to `close`; route `context.sqliteNativeBinding` to better-sqlite3's `nativeBinding` option.
 * Load the app core with `importFromDist(context.appRoot, 'electron/host/…')` (dist-module.ts), not a
 * static import: bundled into out/main, the engine's worker threads would lose their files.
 * For the Settings screen: `context.credentials.storage === 'none'` after a failed save (a
 * KeychainUnavailableError; word it with keychainProblem(error, 'desktop')) is when to offer
 * `context.credentials.useSessionOnly()`; `context.desktop.desktopSettings(change)` reads and sets the
 * notifications and start-at-login switches; `context.desktop.pickFolder()` is the native picker.
 */
export async function createCoreServices(_context: CoreContext): Promise<CoreServices> {
  throw new Error('createCoreServices: the app core and BridgeServer are not on this branch yet');
}
