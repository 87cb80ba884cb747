import type { PairConfig } from './app-config.js';
import type { DesktopHost } from './desktop-host.js';
import { BridgeServer } from './bridge/bridge-server.js';
import { HoistApp } from './hoist-app.js';
import { openPair } from './open-pair.js';
import type { CredentialStore } from './web/session-credentials.js';

export interface AppCoreOptions {
  dataRoot: string;
  credentials: CredentialStore;
  /** The pair given on a command line; without it, the stored one or the first run. */
  pair?: PairConfig;
  /** The desktop shell's abilities (Electron's utility process passes main's); none in the web host. */
  desktop?: DesktopHost;
  log: (line: string) => void;
}

export interface AppCore {
  app: HoistApp;
  /** Call `bridge.connect(send)` once per window / socket; the host only carries the messages. */
  bridge: BridgeServer;
  close(): Promise<void>;
}

/**
 * What every host starts (the web host here, Electron's utility process in the shell issue): the app
 * core with its pair opened through the composition root, and the bridge server in front of it.
 */
export async function startAppCore(options: AppCoreOptions): Promise<AppCore> {
  const app = new HoistApp({
    dataRoot: options.dataRoot,
    credentials: options.credentials,
    openPair,
    log: options.log,
    ...(options.desktop ? { desktop: options.desktop } : {}),
  });
  await app.start(options.pair);
  const bridge = new BridgeServer(app, options.credentials, options.log);
  return {
    app,
    bridge,
    close: async () => {
      bridge.close();
      await app.close();
    },
  };
}
