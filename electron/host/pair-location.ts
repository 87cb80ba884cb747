import { createHash } from 'node:crypto';
import { ensureDirectory } from '../base/ensure-directory.js';
import { join } from 'node:path';
import type { ProviderKind } from '../../shared/sync-types.js';
import { SyncError } from '../engine/sync-error.js';
import type { RemoteIdentity } from './remote-identity.js';

/**
 * The id of one sync pair: a hash of the folder (real path), the provider and the remote's identity
 * (remote-identity.ts; never the token), so the same pair always finds its DB, whoever opens it.
 */
export function pairId(folder: string, provider: ProviderKind, remoteId: RemoteIdentity): string {
  return createHash('sha256').update(`${folder}\n${provider}\n${remoteId}`).digest('hex').slice(0, 16);
}

export function pairDirectory(stateRoot: string, id: string): string {
  return join(stateRoot, 'pairs', id);
}

/**
 * Where one sync pair keeps its state: `<state root>/pairs/<id>/state.db`, created if needed.
 * A state root that cannot be created is a configuration problem (SyncError 'config').
 */
export async function pairStateFile(
  stateRoot: string,
  folder: string,
  provider: ProviderKind,
  remote: RemoteIdentity,
): Promise<string> {
  const directory = pairDirectory(stateRoot, pairId(folder, provider, remote));
  try {
    await ensureDirectory(directory);
  } catch (error) {
    throw new SyncError(
      'config',
      `Hoist cannot create its state folder ${directory}: ${(error as Error).message}. Choose another with --state or HOIST_HOME.`,
      { reason: 'state-dir' },
    );
  }
  return join(directory, 'state.db');
}

/** The embedded remote's data dir: shared by every `local` pair and by `hoist remote`'s default. */
export function embeddedRemoteDir(stateRoot: string): string {
  return join(stateRoot, 'remote');
}
