import { isAppUrl } from './app-protocol.js';

/**
 * Where our own pages come from: the built renderer folder, served as `app://hoist/` (app-protocol.ts),
 * or, in development, electron-vite's dev server. Every security check asks "is this URL ours?" through
 * here, so there is one definition.
 */
export type AppOrigin = { kind: 'app'; rendererDir: string } | { kind: 'dev-server'; origin: string };

export function isOwnUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.kind === 'dev-server') return parsed.origin === new URL(origin.origin).origin;
  // The handler serves nothing but the renderer folder, so every app://hoist URL is one of our pages.
  return isAppUrl(parsed);
}
