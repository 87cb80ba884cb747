import type { FolderView } from '../../shared/bridge/contract.js';
import { needsToken, shownRemoteUrl } from './folder-remote.js';
import { remoteLabelOf } from './folder-remote.js';
import { folderName, type FolderEntry } from './folder-set.js';

/** A folder as the window sees it: its remote, its remote folder, whether it is open and why not. */
export function folderView(entry: FolderEntry, token: string | null): FolderView {
  const { config } = entry;
  const remoteUrl = shownRemoteUrl(config);
  const remoteFolder = entry.opened?.service.settings().remoteFolder ?? config.remoteFolder ?? '';
  return {
    id: entry.id,
    name: folderName(config.folder),
    folder: config.folder,
    provider: config.provider,
    remoteUrl,
    remoteFolder: remoteFolder === '' ? null : remoteFolder,
    label: entry.opened?.label ?? remoteLabelOf(config),
    canDelete: config.provider !== 'composio',
    tokenSet: token !== null,
    needsToken: needsToken(config.provider),
    openError: entry.openError,
    opening: entry.opening !== null,
  };
}
