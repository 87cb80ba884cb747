import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the Electron build of better-sqlite3 is. better-sqlite3 is not N-API: the copy in node_modules
 * is built for Node (the CLI and the tests use it) and cannot load in Electron, so `npm run setup`
 * builds a second copy for Electron's ABI (scripts/electron-sqlite.mjs) into build/native/, and the
 * packaged app carries it in its resources. The app core passes this path as better-sqlite3's
 * `nativeBinding`, so either copy can be built or rebuilt first without breaking the other.
 */
export function electronSqliteBindingCandidates(options: {
  appRoot: string;
  resourcesPath: string | undefined;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}): string[] {
  const folder = `electron-${options.electronVersion}-${options.platform}-${options.arch}`;
  const candidates = [join(options.appRoot, 'build', 'native', folder, 'better_sqlite3.node')];
  if (options.resourcesPath !== undefined) {
    candidates.unshift(join(options.resourcesPath, 'native', 'better_sqlite3.node'));
  }
  return candidates;
}

export function findElectronSqliteBinding(candidates: readonly string[]): string | null {
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}
