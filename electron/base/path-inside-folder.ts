import path from 'node:path';

/** The parts of node:path this needs; `path.win32` or `path.posix` in tests, the platform's by default. */
export type PathApi = Pick<typeof path, 'isAbsolute' | 'relative' | 'resolve' | 'sep'>;

/**
 * The absolute path of a file the window names by its folder-relative path ('/'-separated, as the
 * engine stores it), or null when that path is not strictly inside `folder`. Two checks: the name must
 * be plain (no empty, `.` or `..` segment, split on every separator the platform knows, so `..\` on
 * Windows is one too), and the resolved path must still lie below the folder (path.relative from the
 * folder does not climb out or change drive), which also catches what a split cannot see (`C:x`,
 * `\\server\share`).
 */
export function pathInsideFolder(folder: string, relativePath: string, paths: PathApi = path): string | null {
  if (relativePath.length === 0 || relativePath.includes('\0') || paths.isAbsolute(relativePath)) return null;
  const separators = paths.sep === '\\' ? /[\\/]/ : /\//;
  if (relativePath.split(separators).some((part) => part === '' || part === '.' || part === '..'))
    return null;
  const root = paths.resolve(folder);
  const resolved = paths.resolve(root, relativePath);
  const fromRoot = paths.relative(root, resolved);
  if (fromRoot === '' || paths.isAbsolute(fromRoot)) return null;
  if (fromRoot === '..' || fromRoot.startsWith(`..${paths.sep}`)) return null;
  return resolved;
}
