import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PairConfig } from '../app-config.js';
import { startAppCore } from '../app-core.js';
import type { HoistApp } from '../hoist-app.js';
import { SessionCredentialStore, type BoundToken } from './session-credentials.js';
import { findRendererDir } from './static-files.js';
import { startWebHost, type WebHost } from './web-host.js';

export interface WebAppOptions {
  dataRoot: string;
  /** The pair given on the command line; without it, the stored one or the first run. */
  pair?: PairConfig;
  port?: number;
  /** HOIST_TOKEN, bound to the remote the command line named: it goes there and nowhere else. */
  environmentToken?: BoundToken;
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

/**
 * Opens a link in the person's browser without putting it on a command line, where every local user
 * sees it (`ps`, /proc/<pid>/cmdline): the browser is given a small page in the data root, readable by
 * this user only (0600), that forwards to the link, as Jupyter Server does. `$BROWSER` (a program,
 * given the page's file:// URL) wins, then the platform's opener; without a display, nothing is
 * opened and false is returned.
 */
export async function openInBrowser(
  link: string,
  dataRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const opener = env.BROWSER
    ? [env.BROWSER]
    : process.platform === 'darwin'
      ? ['open']
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '']
        : env.DISPLAY || env.WAYLAND_DISPLAY
          ? ['xdg-open']
          : null;
  if (opener === null) return false;
  const page = join(dataRoot, OPENER_PAGE);
  // Made anew with O_EXCL, so an old file or a link planted in its place is never written through.
  await mkdir(dataRoot, { recursive: true, mode: 0o700 });
  await rm(page, { force: true });
  await writeFile(page, forwardingPage(link), { mode: 0o600, flag: 'wx' });
  const [program, ...args] = opener as [string, ...string[]];
  const child = spawn(program, [...args, pathToFileURL(page).href], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return true;
}

/** The page openInBrowser leaves in the data root; removed when hoist ui stops. */
export const OPENER_PAGE = 'hoist-ui-open.html';

function forwardingPage(link: string): string {
  const href = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${href}"><title>Opening Hoist…</title></head>
<body><p><a href="${href}">Open Hoist</a></p></body></html>
`;
}
