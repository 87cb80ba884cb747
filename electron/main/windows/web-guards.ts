import { isOwnUrl, type AppOrigin } from './app-origin.js';

/**
 * The handlers that keep a window on our own pages: no navigation elsewhere, no new windows, no
 * permissions, and only a short list of https sites opened in the user's browser. Written against
 * the shape of Electron's callbacks so they are tested under Node with plain objects.
 */

/** Sites a link in the UI may open in the browser: the providers' docs and the project's page. */
export const EXTERNAL_ALLOWLIST: readonly string[] = [
  'docs.runalloy.com',
  'runalloy.com',
  'docs.composio.dev',
  'composio.dev',
  'docs.openwebui.com',
  'openwebui.com',
  'github.com',
];

export function isAllowedExternal(url: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // https only, no credentials in the URL, and the host exactly on the list (no suffix tricks).
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    allowlist.includes(parsed.hostname)
  );
}

/** `will-navigate` / `will-redirect`: only to our own pages (a reload, the dev server's hot reload). */
export function navigationGuard(origin: AppOrigin) {
  return (event: { preventDefault(): void }, url: string): void => {
    if (!isOwnUrl(url, origin)) event.preventDefault();
  };
}

/**
 * `setWindowOpenHandler`: never a new Electron window; an allowlisted link opens in the browser, and
 * anything else is dropped (and logged, since it means the UI has a link it should not).
 */
export function windowOpenHandler(
  openExternal: (url: string) => void,
  log: (line: string) => void,
): (details: { url: string }) => { action: 'deny' } {
  return ({ url }) => {
    if (isAllowedExternal(url)) openExternal(url);
    else log(`blocked a new window for ${safeForLog(url)}`);
    return { action: 'deny' };
  };
}

/** Camera, microphone, notifications from the page, clipboard, …: the UI needs none, so all are denied. */
export function denyPermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}

/** `will-attach-webview`: the UI has no webviews; a page that tries to make one is refused. */
export function refuseWebview(event: { preventDefault(): void }): void {
  event.preventDefault();
}

/** A URL for a log line: scheme, host and path only; a query string may carry a secret. */
export function safeForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
