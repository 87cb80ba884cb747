import { lstat, stat, statfs, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { escapeFileName } from '../../../shared/file-name-bytes.js';
import { SyncError } from '../sync-error.js';
import type { IgnoreRules } from './ignore-rules.js';

// Where a walk starts and how its failures are worded: the folder itself must be a directory, a
// subtree's ancestors real directories, and a name that is not UTF-8 said so in words.

// Linux's magic numbers (statfs(2) f_type) of file systems whose calls may wait on a network: NFS,
// SMB/CIFS (three), 9P (WSL's /mnt/c), FUSE (sshfs, rclone mount), Ceph, AFS, Coda, GFS2, OCFS2.
const NETWORK_FILE_SYSTEMS = new Set([
  0x6969, 0x517b, 0xfe534d42, 0xff534d42, 0x01021997, 0x65735546, 0x00c36400, 0x5346414f, 0x73757245,
  0x01161970, 0x7461636f,
]);

/**
 * Whether the folder lives on a file system whose calls may wait on a network (Linux only; false
 * elsewhere and when it cannot be told). The walk never makes synchronous calls there: one that
 * hangs (a server gone) would hold the event loop, where through libuv's pool it holds a thread.
 */
export function onNetworkFileSystem(root: string): Promise<boolean> {
  if (process.platform !== 'linux') return Promise.resolve(false);
  return new Promise((resolvePromise) => {
    statfs(root, (error, stats) =>
      resolvePromise(error === null && NETWORK_FILE_SYSTEMS.has(Number(stats.type) >>> 0)),
    );
  });
}

/** The folder itself must be there and be a directory; anything else is the engine's business. */
export function assertFolder(root: string): Promise<void> {
  return new Promise((resolvePromise, rejectPromise) => {
    stat(root, (error, stats) => {
      if (error) rejectPromise(folderError(root, error));
      else if (!stats.isDirectory()) {
        const notDir = Object.assign(new Error(`ENOTDIR: not a directory, scandir '${root}'`), {
          code: 'ENOTDIR',
        });
        rejectPromise(folderError(root, notDir));
      } else resolvePromise();
    });
  });
}

export function folderError(root: string, error: NodeJS.ErrnoException): SyncError {
  const missing = error.code === 'ENOENT' || error.code === 'ENOTDIR';
  const message = missing
    ? `The folder ${root} is missing. If it was moved, renamed or is on a drive that is not connected, put it back; nothing on the remote is changed meanwhile.`
    : `Hoist cannot read the folder ${root} (${error.code ?? 'unknown error'}). Check that you can open it and that its permissions allow reading.`;
  return new SyncError('local-file', message, {
    retryable: true,
    reason: missing ? 'folder-missing' : 'folder-unreadable',
    detail: error.message,
    cause: error,
  });
}

/**
 * A name with bytes that are not UTF-8: no remote can name it, and Node's string paths cannot open
 * it. `path` keeps those bytes as lone surrogates (file-name-bytes.ts); the message shows them `\xNN`.
 */
export function invalidNameError(path: string): NodeJS.ErrnoException {
  const shown = escapeFileName(path);
  return Object.assign(
    new Error(`The name “${shown}” is not valid UTF-8; rename the file so Hoist can sync it.`),
    { code: 'EILSEQ', path: shown },
  );
}

/**
 * Where a walk of `under` starts: each ancestor must be a real directory (not a symlink, which
 * could lead out of the folder), and none may be ignored. Null when there is nothing to walk.
 */
export async function resolveUnder(
  root: string,
  under: string,
  rules: Pick<IgnoreRules, 'ignores'>,
): Promise<{ file: Stats | null } | null> {
  const parts = under.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) {
    throw new RangeError(
      `walkFolder: 'under' must be a relative '/'-separated path, got ${JSON.stringify(under)}`,
    );
  }
  let path = '';
  for (let index = 0; index < parts.length; index++) {
    path = path === '' ? parts[index]! : `${path}/${parts[index]}`;
    const stats = await lstatOrNull(root + sep + path);
    if (stats === null) return null;
    const last = index === parts.length - 1;
    if (last && stats.isFile()) return rules.ignores(path, false) ? null : { file: stats };
    if (!stats.isDirectory() || rules.ignores(path, true)) return null;
  }
  return { file: null };
}

function lstatOrNull(path: string): Promise<Stats | null> {
  return new Promise((resolvePromise) => lstat(path, (error, stats) => resolvePromise(error ? null : stats)));
}
