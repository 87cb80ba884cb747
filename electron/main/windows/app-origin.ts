import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where our own pages come from: the built renderer folder (file://) or, in development, electron-vite's
 * dev server. Every security check asks "is this URL ours?" through here, so there is one definition.
 */
export type AppOrigin = { kind: 'file'; rendererDir: string } | { kind: 'dev-server'; origin: string };

export function isOwnUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (origin.kind === 'dev-server') return parsed.origin === new URL(origin.origin).origin;
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  // fileURLToPath decodes %2e%2e and normalises the path, so "..", encoded or not, cannot step outside.
  const path = fileURLToPath(parsed);
  const root = origin.rendererDir.endsWith(sep) ? origin.rendererDir : origin.rendererDir + sep;
  return path.startsWith(root);
}
