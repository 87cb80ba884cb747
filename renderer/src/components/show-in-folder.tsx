import { useBridge } from '../bridge/bridge-context.js';

/** "Show in folder" for one of the folder's files (desktop app only: the file manager opens on it). */
export function ShowInFolder({ path }: { path: string }) {
  const bridge = useBridge();
  return (
    <button
      type="button"
      aria-label={`Show in folder: ${path}`}
      onClick={() => void bridge.call('desktop.showInFolder', { path }).catch(() => undefined)}
    >
      Show in folder
    </button>
  );
}
