import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the Electron build of better-sqlite3 is. better-sqlite3 is not N-API: the copy in node_modules
 * is built for Node (the CLI and the tests use it) and cannot load in Electron, so `npm run setup`
 * builds a second copy for Electron's ABI (scripts/electron-sqlite.mjs) into
 * build/native/electron/<platform>-<arch>/, and packaging copies it to the app's resources/native/.
 * The app core passes the path as better-sqlite3's `nativeBinding`, so either copy can be built or
 * rebuilt first without breaking the other. Null when there is none for this Electron.
 */
export function findElectronSqliteBinding(options: {
  appRoot: string;
  /** process.resourcesPath in a packaged app; undefined when running from the source tree. */
  resourcesPath: string | undefined;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}): string | null {
  if (options.resourcesPath !== undefined) {
    const packaged = join(options.resourcesPath, 'native', 'better_sqlite3.node');
    if (existsSync(packaged)) return packaged;
  }
  const dir = join(options.appRoot, 'build', 'native', 'electron', `${options.platform}-${options.arch}`);
  const binding = join(dir, 'better_sqlite3.node');
  if (!existsSync(binding)) return null;
  // A copy built for another Electron would fail to load with an ABI error far from here.
  let builtFor = '';
  try {
    builtFor = readFileSync(join(dir, 'electron-version.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  return builtFor === options.electronVersion ? binding : null;
}
