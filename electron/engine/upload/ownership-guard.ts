import { formatBytes } from '../../../shared/format-bytes.js';
import type { ConflictKind } from '../../../shared/sync-types.js';
import type { UploadTicket } from '../remote/remote-provider.js';
import { isOwnCopy, type LocalFile, type MirroredCopy } from '../state/local-files.js';
import type { RemoteMirror } from '../state/remote-mirror.js';

/** Why an upload must not go ahead, and what to tell the user. */
export interface OwnershipConflict {
  kind: Extract<ConflictKind, 'name-taken' | 'replaced-on-remote'>;
  key: string;
  message: string;
}

const CHOICES = 'Hoist does not overwrite it: keep both, replace the remote copy, or ignore.';

/**
 * The rule that nothing on the remote is overwritten unless this folder put it there (or the user
 * said to): given the remote's ticket for an upload, is there an object under the key the bytes would
 * land on that is not this file's own copy as last recorded? The mirror says what is there; Composio's
 * ticket also says so itself (`update`) when the mirror does not know the object yet.
 */
export function ownershipConflict(
  mirror: RemoteMirror,
  file: LocalFile,
  ticket: Extract<UploadTicket, { kind: 'send' }>,
): OwnershipConflict | null {
  if (ticket.key === null) return null; // The remote picks a new key (Open WebUI): nothing is replaced.
  // An earlier attempt of this file sent bytes there and its outcome was never recorded (the file
  // changed mid-send, the process died, the answer was lost): what the server may hold is ours.
  const ourUnrecordedSend = file.sentKey === ticket.key;
  const listed = mirror.copy(ticket.key);
  if (listed !== null) {
    if (isOwnCopy(file, listed) || ourUnrecordedSend) return null;
    return conflictWith(file, listed);
  }
  if (
    ticket.replaces === true &&
    !(file.remoteKey === ticket.key && file.remoteOwned) &&
    !ourUnrecordedSend
  ) {
    return {
      kind: 'name-taken',
      key: ticket.key,
      message: `The remote already has a file named “${file.remoteName}” that this folder did not upload. ${CHOICES}`,
    };
  }
  return null;
}

/** The conflict for a mirrored object in the way of `file` (ours once, or someone else's). */
export function conflictWith(file: LocalFile, copy: MirroredCopy): OwnershipConflict {
  const described = describeCopy(copy);
  if (copy.key === file.remoteKey) {
    return {
      kind: 'replaced-on-remote',
      key: copy.key,
      message: `The copy this folder uploaded was replaced on the remote by someone else (now ${described}). ${CHOICES}`,
    };
  }
  return {
    kind: 'name-taken',
    key: copy.key,
    message: `The remote already has a different file under this name (${described}) that this folder did not upload. ${CHOICES}`,
  };
}

/** "20 B, changed 2026-12-03 13:39 UTC", with what the remote says (Composio gives no size). */
export function describeCopy(copy: { size: number | null; lastModified: number | null }): string {
  const parts: string[] = [copy.size === null ? 'size unknown' : formatBytes(copy.size)];
  if (copy.lastModified !== null) parts.push(`changed ${formatUtc(copy.lastModified)}`);
  return parts.join(', ');
}

export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
