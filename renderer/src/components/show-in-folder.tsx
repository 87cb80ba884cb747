import { useBridge } from '../bridge/bridge-context.js';
import { useFolderId } from '../store/folder-context.js';

/**
 * "Show in folder" for one of the folder's files (desktop app only: the file manager opens on it).
 * `label` names it for people when the path is not how it reads (a name that is not UTF-8).
 */
export function ShowInFolder({ path, label = path }: { path: string; label?: string }) {
  const bridge = useBridge();
  const folder = useFolderId();
  return (
    <button
      type="button"
      aria-label={`Show in folder: ${label}`}
      onClick={() => void bridge.call('desktop.showInFolder', { folder, path }).catch(() => undefined)}
    >
      Show in folder
    </button>
  );
}
