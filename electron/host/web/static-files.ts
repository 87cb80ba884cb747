import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The built renderer (`out/renderer`, made by `npm run build`), found by walking up from this module:
 * it is `electron/host/web/` in the sources and `dist/electron/host/web/` when built.
 */
export function findRendererDir(from = fileURLToPath(import.meta.url)): string | null {
  const index = findUpward(join('out', 'renderer', 'index.html'), from);
  return index === null ? null : dirname(index);
}

/** The app icon the browser shows in its tab (`/favicon.ico`): a PNG, which every browser accepts there. */
export function findAppIcon(from = fileURLToPath(import.meta.url)): string | null {
  return findUpward(join('resources', 'icons', 'hoist-32.png'), from);
}

/** `relative` in the first folder above `from` that has it (the sources and dist/ sit at different depths). */
function findUpward(relative: string, from: string): string | null {
  let directory = dirname(from);
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(directory, relative);
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  return null;
}

/** A file of the renderer for a URL path; routes without a file extension get index.html (one app, several routes). */
export async function readStatic(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; type: string } | null> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (extname(relative) === '') relative = '/index.html';
  const file = normalize(join(root, relative));
  // Nothing outside the renderer's folder, whatever `..` the path carries.
  if (!file.startsWith(root + sep)) return null;
  try {
    return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
