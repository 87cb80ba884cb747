import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's `mkdir(path, { recursive: true })` never settles on some
 * paths (under /proc it spins at full CPU forever), so each missing level is made with a plain
 * mkdir: a loop bounded by the path's depth, every failure a normal error (ENOENT, EACCES, ENOTDIR).
 */
export async function ensureDirectory(path: string, mode = 0o700): Promise<void> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (info !== null) {
      if (!info.isDirectory())
        throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const directory of missing.reverse()) {
    await mkdir(directory, { mode }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}
