import { createContext, useContext } from 'react';
import type { FolderView, StatusView } from '../../../shared/bridge/contract.js';
import { useBridgeEvent } from '../bridge/bridge-context.js';
import { useAppState } from './use-app-store.js';

/** The folder the screens below act on (its id): Sync, Remote files and Settings of one folder. */
export const FolderContext = createContext<string | null>(null);

export function useFolderId(): string {
  const id = useContext(FolderContext);
  if (id === null) throw new Error('useFolderId outside FolderContext');
  return id;
}

/** The chosen folder's view (App shows a folder's screens only while it is configured). */
export function useFolder(): FolderView {
  const id = useFolderId();
  const folder = useAppState((state) => state.app?.folders.find((entry) => entry.id === id) ?? null);
  if (!folder) throw new Error(`Folder ${id} is not configured`);
  return folder;
}

/** The chosen folder's last status; null until it is open and has said it. */
export function useFolderStatus(): StatusView | null {
  const id = useFolderId();
  return useAppState((state) => state.statuses[id] ?? null);
}

/** The chosen folder's `changed` events (another folder's changes are not this screen's). */
export function useFolderChanged(
  listener: (change: { remote: boolean; local: boolean; activity: boolean }) => void,
): void {
  const id = useFolderId();
  useBridgeEvent('changed', (change) => {
    if (change.folder === id) listener(change);
  });
}
