import { lstat, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { contentType } from 'mime-types';
import { pathInsideFolder } from '../../base/path-inside-folder.js';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';

/**
 * Our pages come from `app://hoist/…`, answered from the built renderer folder, instead of `file://`:
 * a file:// page may read any other file:// URL, and its origin is shared with every file on disk. The
 * scheme is standard and secure (its own origin, so 'self' in the CSP means exactly our files). This
 * module is the whole handler apart from Electron's registration (app-protocol-handler.ts), so it is
 * tested under Node with real files.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hoist';

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

/** The URL of the renderer on one of its routes (the hash the browser UI uses too). */
export function appPageUrl(route: string): string {
  return `${APP_SCHEME}://${APP_HOST}/index.html#${route}`;
}

/** Whether a URL is one of our pages (the handler serves nothing but the renderer folder). */
export function isAppUrl(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
}

/** Sent with every answer, the refusals too: the CSP as a header as well as index.html's meta tag. */
function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // A new version of the app must never show a page from the old one.
    'Cache-Control': 'no-store',
  };
}

function refusal(status: 400 | 404 | 405): Response {
  const text = { 400: 'Bad request', 404: 'Not found', 405: 'Method not allowed' }[status];
  return new Response(text, {
    status,
    headers: { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * The answer to one request for an `app://` URL. Only GET and HEAD, only host `hoist`, only a regular
 * file below `rendererDir` (no `..`, encoded or not, no encoded separators, no links); `/` is
 * index.html. Everything else is a plain 404 that says nothing about the disk.
 */
export async function answerAppRequest(
  request: { url: string; method: string },
  rendererDir: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refusal(400);
  }
  if (!isAppUrl(url)) return refusal(404);
  let segments: string[];
  try {
    // URL parsing already folded `/../` and `/%2e%2e/`; a segment decoded here must still not hold a
    // separator (`%2f`, `%5c`) or a NUL, which would make one segment into several on the disk.
    segments = url.pathname
      .slice(1)
      .split('/')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return refusal(400);
  }
  if (segments.some((segment) => /[\\/\0]/.test(segment))) return refusal(404);
  const relative = segments.join('/') || 'index.html';
  const file = pathInsideFolder(rendererDir, relative);
  if (file === null) return refusal(404);
  // lstat, not stat: a link in the folder is refused rather than followed out of it.
  const found = await lstat(file).catch(() => null);
  if (found === null || !found.isFile()) return refusal(404);
  const headers = {
    ...baseHeaders(),
    'Content-Type': contentType(extname(file)) || 'application/octet-stream',
    'Content-Length': String(found.size),
  };
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(await readFile(file), { status: 200, headers });
}
