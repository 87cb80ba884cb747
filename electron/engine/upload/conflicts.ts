import type { LocalFile, LocalFiles } from '../state/local-files.js';

/**
 * Two live local paths that the remote would store under one name must never overwrite each other.
 * The file already synced under that name keeps it; any other waits as a conflict. When none of them
 * owns the name yet, none is uploaded: guessing which one the user meant would be a silent overwrite.
 * Returns the conflict message for `file`, or null when it may be uploaded.
 */
export function conflictFor(files: LocalFiles, file: LocalFile): string | null {
  const others = files.sharingRemoteName(file.remoteName, file.path);
  if (others.length === 0) return null;
  const owner = [file, ...others].find((candidate) => candidate.remoteKey !== null);
  if (owner?.path === file.path) return null;
  if (owner) {
    return `“${file.path}” would overwrite “${owner.path}” on the remote: both are stored as “${file.remoteName}”. Rename one of them.`;
  }
  const other = others[0] as LocalFile;
  return `“${file.path}” and “${other.path}” would be stored under the same name “${file.remoteName}” on the remote, so Hoist uploads neither. Rename one of them.`;
}
