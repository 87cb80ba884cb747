import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderKind } from '../../shared/sync-types.js';

/**
 * Where one sync pair keeps its state: `<state root>/pairs/<id>/state.db`, the id derived from the
 * folder, the provider and the remote URL (never the token), so the same pair always finds its DB.
 */
export async function pairStateFile(
  stateRoot: string,
  folder: string,
  provider: ProviderKind,
  remote: string,
): Promise<string> {
  const id = createHash('sha256').update(`${folder}\n${provider}\n${remote}`).digest('hex').slice(0, 16);
  const directory = join(stateRoot, 'pairs', id);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  return join(directory, 'state.db');
}

/** The embedded remote's data dir: shared by every `local` pair and by `hoist remote`'s default. */
export function embeddedRemoteDir(stateRoot: string): string {
  return join(stateRoot, 'remote');
}
