import { basename, isAbsolute, relative, sep } from 'node:path';
import type { ProviderKind } from '../../shared/sync-types.js';
import { SyncError } from '../engine/sync-error.js';

/** A configured folder as the conflict rules see it. */
export interface FolderPlace {
  /** Its pair id (to leave out the folder being changed). */
  id: string;
  /** Absolute, resolved through symlinks. */
  folder: string;
  provider: ProviderKind;
  /** The remote's identity (remote-connection.ts remoteIdentity), or null when its URL names none. */
  remoteId: string | null;
  /** The folder on the remote its files go under; '' for the top. */
  remoteFolder: string;
  /** How people know the remote: "Alloy (https://…)", "This computer". */
  remoteLabel: string;
}

/**
 * Whether `candidate` may join the configured `others`, as a SyncError('config') saying which folder
 * and why, or null. Refused: the same folder twice (even to another remote: one folder, one remote, as
 * one lock and one state); a folder inside or containing another (its files would be synced twice, by
 * two engines racing over them); two folders to the same remote and remote folder (their files would
 * mix, and each would see the other's as its own to delete or conflict with).
 */
export function folderConflict(candidate: FolderPlace, others: readonly FolderPlace[]): SyncError | null {
  for (const other of others) {
    if (other.id === candidate.id && other.folder === candidate.folder) continue;
    const refuse = (message: string): SyncError =>
      new SyncError('config', message, { reason: 'folder-conflict' });
    if (other.folder === candidate.folder) {
      return refuse(
        `${candidate.folder} is already synced, to ${other.remoteLabel}. A folder syncs to one remote; choose another remote for it in its settings instead.`,
      );
    }
    if (isInside(candidate.folder, other.folder)) {
      return refuse(
        `${candidate.folder} is inside ${other.folder}, which Hoist already syncs: its files would be synced twice. Exclude the subfolder there instead, or remove ${other.folder} first.`,
      );
    }
    if (isInside(other.folder, candidate.folder)) {
      return refuse(
        `${candidate.folder} contains ${other.folder}, which Hoist already syncs: its files would be synced twice. Remove ${other.folder} first, or choose a folder beside it.`,
      );
    }
    if (
      candidate.remoteId !== null &&
      other.provider === candidate.provider &&
      other.remoteId === candidate.remoteId &&
      other.remoteFolder === candidate.remoteFolder
    ) {
      const where =
        candidate.remoteFolder === ''
          ? `the top of ${other.remoteLabel}`
          : `the folder “${candidate.remoteFolder}” of ${other.remoteLabel}`;
      return refuse(
        `${other.folder} already syncs to ${where}: the two folders' files would mix. Give ${basename(candidate.folder) || candidate.folder} its own remote folder.`,
      );
    }
  }
  return null;
}

/**
 * The remote folders of the other configured folders on `id`'s remote (same provider and identity)
 * that lie strictly inside its remote folder: the top holds every other one, "Notes" holds
 * "Notes/Drafts". What those folders put there is theirs, not `id`'s to show or delete.
 */
export function remoteFoldersInside(places: readonly FolderPlace[], id: string): string[] {
  const own = places.find((place) => place.id === id);
  if (!own || own.remoteId === null) return [];
  const prefix = own.remoteFolder === '' ? '' : `${own.remoteFolder}/`;
  return places
    .filter(
      (other) =>
        other.id !== id &&
        other.provider === own.provider &&
        other.remoteId === own.remoteId &&
        other.remoteFolder !== '' &&
        other.remoteFolder.startsWith(prefix) &&
        other.remoteFolder !== own.remoteFolder,
    )
    .map((other) => other.remoteFolder);
}

/** Whether `child` lies strictly below `parent` (both absolute). */
function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path !== '' && path.split(sep)[0] !== '..' && !isAbsolute(path);
}
