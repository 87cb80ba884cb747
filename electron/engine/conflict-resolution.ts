import { hostname } from 'node:os';
import { posix } from 'node:path';
import type { ConflictResolution, ConflictView } from '../../shared/sync-types.js';
import type { LocalFile } from './state/local-files.js';
import type { PairState } from './state/pair-state.js';
import { SyncError } from './sync-error.js';

/** Conflicts listed at most (a UI pages through files; this is a summary of what needs the user). */
const CONFLICTS_LISTED = 10_000;

/** Every file in conflict (ignored ones too) with both sides: what the CLI and the UI show. */
export function listConflicts(state: PairState, limit = CONFLICTS_LISTED): ConflictView[] {
  return state.files.conflicted(limit).map((file) => conflictView(state, file));
}

export function conflictView(state: PairState, file: LocalFile): ConflictView {
  const copy = file.conflictKey === null ? null : state.mirror.copy(file.conflictKey);
  const others =
    file.conflictKind === 'same-name' ? state.files.sharingRemoteName(file.remoteName, file.path) : [];
  return {
    path: file.path,
    kind: file.conflictKind ?? 'same-name',
    remoteName: file.remoteName,
    message: file.lastError ?? 'Not uploaded: it would overwrite a file that is not this folder’s.',
    ignored: file.state === 'ignored',
    local: { size: file.size, modifiedAt: Math.round(file.mtimeMs) },
    remote:
      copy === null
        ? null
        : { key: copy.key, size: copy.size, lastModified: copy.lastModified, origin: null },
    otherPath: others[0]?.path ?? null,
  };
}

/**
 * Applies the user's choice for one conflict. Nothing is uploaded here: the file goes back to the
 * upload queue (keep both, replace) or stays put (ignore), and the engine's next pass does the rest.
 * Returns what happened, in words.
 */
export function resolveConflict(
  state: PairState,
  path: string,
  resolution: ConflictResolution,
  now: number,
  /** The pair's naming rule (remote-names.ts `remoteNamer`): the conflict name goes through it too. */
  remoteName: (path: string) => string,
  host: string = hostname(),
): string {
  const file = state.files.get(path);
  if (file === null || (file.state !== 'conflict' && file.state !== 'ignored')) {
    throw new SyncError('config', `“${path}” is not in conflict`, { path });
  }
  switch (resolution) {
    case 'ignore':
      if (file.state === 'conflict') state.files.ignoreConflict(path, now);
      return `Left as it is: the remote keeps its copy, and “${path}” is not uploaded until it changes`;
    case 'keep-both': {
      const name = conflictName(state, file, new Date(now), host, remoteName);
      state.files.keepBoth(path, name, now);
      return `Keeping both: “${path}” will be uploaded as “${name}”`;
    }
    case 'replace': {
      if (file.conflictKind === 'same-name') {
        throw new SyncError(
          'config',
          `“${path}” and another file of this folder would get the same remote name: rename one of them, or keep both`,
          { path },
        );
      }
      if (file.conflictKey === null)
        throw new SyncError('config', `“${path}” has no remote copy to replace`, { path });
      state.files.takeOver(path, file.conflictKey, now);
      return `Replacing the remote copy with “${path}”`;
    }
  }
}

/**
 * "README (conflict 2026-12-03 host).md" in the file's own folder, under the pair's remote folder,
 * with " 2", " 3"… added while the name is taken on the remote or by another file of the folder.
 */
function conflictName(
  state: PairState,
  file: LocalFile,
  date: Date,
  host: string,
  remoteName: (path: string) => string,
): string {
  const day = date.toISOString().slice(0, 10);
  const extension = posix.extname(file.path);
  const stem = file.path.slice(0, file.path.length - extension.length);
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? '' : ` ${attempt}`;
    const candidatePath = `${stem} (conflict ${day} ${host}${suffix})${extension}`;
    const name = remoteName(candidatePath);
    const taken = state.mirror.hasName(name) || state.files.sharingRemoteName(name, file.path).length > 0;
    if (!taken) return name;
  }
}
