import { ChannelCredentialStore } from './channel-credential-store.js';
import { parseMainToCore, type CoreToMain } from './core-protocol.js';
import { CoreBridgeHost } from './core-bridge-host.js';
import { DesktopShellClient } from './desktop-shell-client.js';
import type { CoreContext, CoreServices } from './create-core-services.js';

/** The utility process's end of the channel to main (Electron's parentPort, adapted). */
export interface ParentPortLike {
  postMessage(message: CoreToMain): void;
  onMessage(listener: (message: unknown) => void): void;
}

/**
 * The app core's process: starts the services, relays bridge connections and keychain questions, and
 * on "stop" closes everything before saying "stopped" (main kills it if that takes too long). Plain code
 * with the port and the services passed in, so it is tested under Node.
 */
export async function runCore(
  port: ParentPortLike,
  create: (context: CoreContext) => Promise<CoreServices>,
  options: { appRoot: string; sqliteNativeBinding: string | null; exit: (code: number) => void },
): Promise<void> {
  const log = (line: string): void => port.postMessage({ type: 'log', line });
  const credentials = new ChannelCredentialStore((request) => port.postMessage(request));
  const desktop = new DesktopShellClient((request) => port.postMessage(request));
  // Messages can arrive while the services start (a window opened at once); they wait for them.
  const early: unknown[] = [];
  let handle: ((message: unknown) => void) | null = null;
  port.onMessage((message) => (handle === null ? early.push(message) : handle(message)));

  const services = await create({
    credentials,
    desktop,
    appRoot: options.appRoot,
    sqliteNativeBinding: options.sqliteNativeBinding,
    log,
  });
  const bridge = new CoreBridgeHost(services.bridge, (message) => port.postMessage(message));
  services.onStatus((folders) => port.postMessage({ type: 'status', folders }));
  let stopping = false;

  handle = (raw) => {
    const message = parseMainToCore(raw);
    if (message === null) {
      log('core: ignored a malformed message from main');
      return;
    }
    switch (message.type) {
      case 'bridge-open':
        return bridge.open(message.connection);
      case 'bridge-message':
        return bridge.receive(message.connection, message.message);
      case 'bridge-close':
        return bridge.close(message.connection);
      case 'credential-reply':
        return credentials.deliver(message);
      case 'shell-reply':
      case 'desktop-settings-reply':
        return desktop.deliver(message);
      case 'tray-command':
        void services
          .runTrayCommand(message.command, message.until, message.folder)
          .catch((error: unknown) => {
            log(`core: ${message.command} failed: ${(error as Error).message}`);
          });
        return;
      case 'stop':
        if (stopping) return;
        stopping = true;
        void (async () => {
          bridge.closeAll();
          let code = 0;
          try {
            await services.close();
          } catch (error) {
            log(`core: stopping failed: ${(error as Error).message}`);
            code = 1;
          }
          credentials.abandon();
          port.postMessage({ type: 'stopped' });
          options.exit(code);
        })();
    }
  };
  port.postMessage({ type: 'ready' });
  for (const message of early.splice(0)) handle(message);
}
