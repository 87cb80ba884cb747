import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Reading and replacing a file Hoist itself owns inside a synced folder (`.hoistignore`) without ever
 * following a link: a symlink there could point at any file of the person's, and reading it would
 * show it in the window, writing it would replace it. Both refuse with `LinkRefusedError`.
 */

/** The file is a symbolic link (or not a regular file) and Hoist will not go through it. */
export class LinkRefusedError extends Error {
  constructor(
    readonly path: string,
    readonly kind: 'link' | 'folder' | 'not-a-file',
  ) {
    super(
      kind === 'link'
        ? `${path} is a symbolic link; Hoist never follows links in a synced folder. Replace it with a regular file.`
        : `${path} is ${kind === 'folder' ? 'a folder' : 'not a regular file'}. Replace it with a regular file.`,
    );
    this.name = 'LinkRefusedError';
  }
}

// O_NOFOLLOW makes the kernel itself refuse a link (ELOOP), so nothing can swap one in between a check
// and the open. Windows has no such flag (undefined there); an lstat just before the open is the
// best it offers. O_NONBLOCK keeps a FIFO put there from blocking the open for ever.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCK = constants.O_NONBLOCK ?? 0;

/** The file's text, or null when it does not exist. Throws LinkRefusedError for a link. */
export async function readRegularFile(path: string): Promise<string | null> {
  let handle: FileHandle;
  try {
    if (NO_FOLLOW === 0) await refuseLink(path);
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new LinkRefusedError(path, 'link');
    throw error;
  }
  try {
    const found = await handle.stat();
    if (!found.isFile()) throw new LinkRefusedError(path, found.isDirectory() ? 'folder' : 'not-a-file');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the file's contents whole: the text goes to a new file beside it, is flushed, and is renamed
 * over the old one, so a crash leaves the old or the new text, never half of one. The new file keeps
 * the old one's permission bits. A link at `path` is refused, not replaced.
 */
export async function replaceRegularFile(path: string, text: string): Promise<void> {
  const current = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (current?.isSymbolicLink()) throw new LinkRefusedError(path, 'link');
  if (current !== null && !current.isFile())
    throw new LinkRefusedError(path, current.isDirectory() ? 'folder' : 'not-a-file');
  // `.tmp`: the built-in ignore rules leave it out, so the watcher never uploads it half written.
  const temporary = join(dirname(path), `${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL: never open something already there under that name (a link planted in advance included).
  const handle = await open(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW,
    current === null ? 0o666 : current.mode & 0o7777,
  );
  try {
    try {
      // The mode given to open() is reduced by the umask; the old file's bits are set exactly.
      if (current !== null) await handle.chmod(current.mode & 0o7777);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function refuseLink(path: string): Promise<void> {
  if ((await lstat(path)).isSymbolicLink()) throw new LinkRefusedError(path, 'link');
}
