import { SyncError } from '../engine/sync-error.js';
import type { FolderConfig } from './app-config.js';
import { tokenRejection } from './connection-test.js';
import { folderConflict, type FolderPlace } from './folder-conflicts.js';
import { makeMissingFolder } from './folder-guard.js';
import { identityOf, needsToken } from './folder-remote.js';
import { folderIdOf, placeOf } from './folder-set.js';
import { guardFolderToSync } from './open-pair.js';
import { storedTokenFor } from './remote-connection.js';
import type { CredentialStore } from './web/session-credentials.js';

export interface AdmissionContext {
  dataRoot: string;
  credentials: CredentialStore;
  /** The other configured folders (without the one being changed). */
  others: FolderPlace[];
}

/**
 * The checks before a folder joins the app (or gets another remote), while every other folder keeps
 * syncing: the folder is one Hoist may sync (host/folder-guard.ts, created if missing); a very large
 * folder's first sync has the person's yes (SyncError 'large-folder', so the window can ask); it does
 * not clash with a configured folder (folder-conflicts.ts: SyncError 'config' saying which and why);
 * and the remote does not reject the token that would be used (SyncError 'auth'). Returns the folder's
 * configuration with its real path.
 */
export async function admitFolder(
  requested: FolderConfig,
  token: string | undefined,
  options: { confirmLargeFolder: boolean; alreadySyncing: boolean; checkToken?: boolean },
  context: AdmissionContext,
): Promise<FolderConfig> {
  const { dataRoot } = context;
  await makeMissingFolder(requested.folder, { dataRoot });
  // Passed on as configured: each of these makes the remote's identity of it (remote-identity.ts).
  const remoteUrl = requested.remoteUrl;
  // Only a folder chosen now is asked about: one syncing already had its answer.
  const folder = await guardFolderToSync(
    { folder: requested.folder, provider: requested.provider, remote: remoteUrl, stateRoot: dataRoot },
    { confirmed: options.alreadySyncing || options.confirmLargeFolder, askHow: '.' },
  );
  const config: FolderConfig = { ...requested, folder };
  const conflict = folderConflict(placeOf(config, folderIdOf(config), null), context.others);
  if (conflict !== null) throw conflict;
  if (needsToken(config.provider) && options.checkToken !== false) {
    const used =
      token !== undefined && token !== ''
        ? token
        : await storedTokenFor(config.provider, identityOf(config), context.credentials);
    const rejection = used ? await tokenRejection(config.provider, remoteUrl, used) : null;
    if (rejection !== null) {
      // Its first sentence only: "Update it in Settings" is no advice to someone in Settings.
      const said = (rejection.split(/(?<=\.)\s/)[0] ?? rejection).replace(/\.$/, '');
      throw new SyncError('auth', `${said}. Nothing was changed; the other folders keep syncing.`);
    }
  }
  return config;
}
