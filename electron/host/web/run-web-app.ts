import { spawn } from 'node:child_process';
import type { PairConfig } from '../app-config.js';
import { startAppCore } from '../app-core.js';
import type { HoistApp } from '../hoist-app.js';
import { SessionCredentialStore } from './session-credentials.js';
import { findRendererDir } from './static-files.js';
import { startWebHost, type WebHost } from './web-host.js';

export interface WebAppOptions {
  dataRoot: string;
  /** The pair given on the command line; without it, the stored one or the first run. */
  pair?: PairConfig;
  port?: number;
  environmentToken?: string;
  log: (line: string) => void;
}

export interface RunningWebApp {
  host: WebHost;
  app: HoistApp;
  close(): Promise<void>;
}

/** Everything `hoist ui` runs: the app core, the bridge server and the web host in front of them. */
export async function startWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const rendererDir = findRendererDir();
  if (rendererDir === null) throw new Error('The UI is not built yet: run npm run build');
  const credentials = new SessionCredentialStore(options.environmentToken);
  const core = await startAppCore({
    dataRoot: options.dataRoot,
    credentials,
    log: options.log,
    ...(options.pair ? { pair: options.pair } : {}),
  });
  const host = await startWebHost({
    bridge: core.bridge,
    rendererDir,
    log: options.log,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return {
    host,
    app: core.app,
    close: async () => {
      await host.close();
      await core.close();
    },
  };
}

/** Opens the URL in the person's browser when there is a display to show it on; quietly does nothing otherwise. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const command =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : null;
  if (command === null) return false;
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return true;
}
