import { access, mkdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, parse, posix, resolve, win32 } from 'node:path';
import { SyncError } from '../engine/sync-error.js';

/**
 * Which folders Hoist refuses to sync, in one place (README "Folders Hoist will not sync"). Syncing
 * one of these would upload the whole system, every user's files, or Hoist's own state into itself.
 *
 * - `exact`: refused as the folder itself, but a folder inside is fine (/var/www, /srv/data, /opt/app
 *   are where servers keep real data; macOS's temp dir lives under /var).
 * - `within`: refused with everything inside (the OS's own files, and kernel views like /proc).
 */
export const SYSTEM_FOLDERS: Record<'linux' | 'darwin' | 'win32', { exact: string[]; within: string[] }> = {
  linux: {
    exact: ['/var', '/opt', '/srv', '/tmp', '/mnt', '/media', '/home', '/root'],
    within: [
      '/etc',
      '/usr',
      '/bin',
      '/sbin',
      '/lib',
      '/lib32',
      '/lib64',
      '/libx32',
      '/boot',
      '/proc',
      '/sys',
      '/dev',
      '/run',
    ],
  },
  darwin: {
    exact: ['/Users', '/Volumes', '/private', '/var', '/tmp', '/opt', '/Applications'],
    within: [
      '/System',
      '/Library',
      '/usr',
      '/bin',
      '/sbin',
      '/etc',
      '/dev',
      '/cores',
      '/private/etc',
      '/private/var/db',
    ],
  },
  win32: {
    exact: ['C:\\Users'],
    within: ['C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData'],
  },
};

/** Files that together mark the data folder of a Hoist reference remote (`hoist remote --data`). */
export const REMOTE_DATA_MARKERS = ['catalog.db', 'signing.key'] as const;

export interface FolderGuardContext {
  /** Hoist's data root (state DBs and the embedded remote's store). */
  dataRoot: string;
  home?: string;
  platform?: NodeJS.Platform;
}

/**
 * Checks a folder a person asked to sync and returns it resolved through symlinks (one folder, one
 * pair). Throws SyncError('config', reason 'unsafe-folder') with a sentence that says why for `/`, the
 * home folder or anything above it, system folders, Hoist's own data root (inside or above), and a
 * reference remote's data folder; a path that is a file says so. A missing folder whose parent exists
 * is left to the caller (the first run's ~/Hoist is made).
 */
export async function checkFolderToSync(folder: string, context: FolderGuardContext): Promise<string> {
  if (!isAbsolute(folder)) throw refused('The folder must be a full path, like /home/you/Documents');
  const info = await stat(folder).catch(() => null);
  if (info === null) throw refused(`The folder ${folder} does not exist`);
  if (!info.isDirectory())
    throw refused(`${folder} is a file, not a folder: choose the folder that holds it`);
  const real = await realpath(folder);
  const reason = unsafeFolderReason(real, await resolvedContext(context));
  if (reason !== null) throw refused(reason);
  const remoteData = await remoteDataFolderAround(real);
  if (remoteData !== null) {
    throw refused(
      `${real} holds a Hoist remote’s own data (${remoteData}): syncing it would upload the remote into itself. Choose a folder of your own files`,
    );
  }
  return real;
}

/** Why `folder` (absolute, real) must not be synced, or null. Pure: the rules, for tests and docs. */
export function unsafeFolderReason(
  folder: string,
  context: { home: string; dataRoot: string; platform: NodeJS.Platform },
): string | null {
  const path = context.platform === 'win32' ? win32 : posix;
  const same = (a: string, b: string): boolean =>
    context.platform === 'win32' || context.platform === 'darwin'
      ? a.toLowerCase() === b.toLowerCase()
      : a === b;
  const inside = (child: string, parent: string): boolean => {
    const rel = path.relative(parent, child);
    const folded = context.platform === 'win32' || context.platform === 'darwin' ? rel.toLowerCase() : rel;
    return folded === '' || (!folded.startsWith('..') && !path.isAbsolute(folded));
  };
  if (path.parse(folder).root === folder || same(folder, path.parse(folder).root)) {
    return `${folder} is the whole disk: Hoist syncs one folder of your files, not the system. Choose a folder such as ${path.join(context.home, 'Documents')}`;
  }
  if (same(folder, context.home)) {
    return `${folder} is your whole home folder (settings, caches, keys and all): choose a folder inside it, such as ${path.join(context.home, 'Documents')}`;
  }
  if (inside(context.home, folder)) {
    return `${folder} holds your home folder${context.platform === 'win32' ? '' : ' and perhaps other people’s'}: choose a folder inside ${context.home}`;
  }
  if (inside(folder, context.dataRoot)) {
    return `${folder} is inside Hoist’s own data folder (${context.dataRoot}): syncing it would upload Hoist’s state into itself. Choose a folder of your own files`;
  }
  if (inside(context.dataRoot, folder)) {
    return `${folder} holds Hoist’s own data folder (${context.dataRoot}): syncing it would upload Hoist’s state into itself. Choose a folder beside it, or move the data with HOIST_HOME`;
  }
  const rules =
    SYSTEM_FOLDERS[
      context.platform === 'darwin' || context.platform === 'win32' ? context.platform : 'linux'
    ];
  const system =
    rules.exact.find((candidate) => same(folder, candidate)) ??
    rules.within.find((candidate) => inside(folder, candidate) || inside(candidate, folder));
  if (system !== undefined) {
    return `${folder} is a system folder: Hoist syncs folders of your own files. Choose one such as ${path.join(context.home, 'Documents')}`;
  }
  return null;
}

/**
 * Makes a missing folder whose parent exists (the first run's ~/Hoist), unless the folder it would
 * be is one Hoist refuses; a path whose parent is missing too is left alone (a typo, not a wish).
 */
export async function makeMissingFolder(folder: string, context: FolderGuardContext): Promise<void> {
  if (!isAbsolute(folder) || (await stat(folder).catch(() => null)) !== null) return;
  const parent = await realpath(dirname(folder)).catch(() => null);
  if (parent === null || !(await stat(parent)).isDirectory()) return;
  const reason = unsafeFolderReason(join(parent, basename(folder)), await resolvedContext(context));
  if (reason !== null) throw refused(reason);
  await mkdir(folder);
}

/** The reference remote's data folder at `folder` or above it, or null. */
async function remoteDataFolderAround(folder: string): Promise<string | null> {
  for (let current = folder; ; current = dirname(current)) {
    if (await isRemoteDataFolder(current)) return current;
    if (parse(current).root === current) return null;
  }
}

export async function isRemoteDataFolder(folder: string): Promise<boolean> {
  for (const marker of REMOTE_DATA_MARKERS) {
    if (
      !(await access(join(folder, marker)).then(
        () => true,
        () => false,
      ))
    )
      return false;
  }
  return true;
}

/** The home folder and data root resolved through symlinks, as the folder is, so they compare. */
async function resolvedContext(
  context: FolderGuardContext,
): Promise<{ home: string; dataRoot: string; platform: NodeJS.Platform }> {
  const home = context.home ?? homedir();
  return {
    home: await realpath(home).catch(() => home),
    dataRoot: await realpath(context.dataRoot).catch(() => resolve(context.dataRoot)),
    platform: context.platform ?? process.platform,
  };
}

function refused(message: string): SyncError {
  return new SyncError('config', message, { reason: 'unsafe-folder' });
}
