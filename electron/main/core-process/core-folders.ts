import type { HoistApp } from '../../host/hoist-app.js';
import { LatestValueThrottle } from '../updates/latest-value-throttle.js';
import type { CoreFolderRow, TrayCommand } from './core-protocol.js';

/** What of the app core the tray's side of the core process uses (a HoistApp). */
export type FoldersApp = Pick<HoistApp, 'events' | 'overview' | 'openServices' | 'folderPath'>;

/** Every configured folder's row, in the configuration's order: overview.get's rows and the path. */
export function folderRows(app: FoldersApp): CoreFolderRow[] {
  return app.overview().folders.map((row) => ({ ...row, path: app.folderPath(row.id) }));
}

/**
 * Calls `listener` with every folder's rows now and when any folder's status or the configuration
 * changes: the first at once, then at most once per `intervalMs` (ten status events a second from each of
 * many folders must not each send every row to main). Returns an unsubscribe.
 */
export function watchFolderRows(
  app: FoldersApp,
  listener: (folders: CoreFolderRow[]) => void,
  intervalMs = 250,
): () => void {
  const throttle = new LatestValueThrottle<null>(intervalMs, () => listener(folderRows(app)));
  const push = (): void => throttle.push(null);
  app.events.on('status', push);
  app.events.on('app', push);
  // The list as it is now (every folder still opening, right after start), before anything changes.
  push();
  return () => {
    app.events.off('status', push);
    app.events.off('app', push);
    throttle.dispose();
  };
}

/**
 * Sync now, pause until (null: until resumed), resume: on the open folder with id `folder`, or on every
 * open folder without one ("Pause all"). A folder that is not open (still opening, failed, removed)
 * is an error saying so; nothing else is touched.
 */
export async function runFolderCommand(
  app: FoldersApp,
  command: TrayCommand,
  until: number | null,
  folder?: string,
): Promise<void> {
  const open = app.openServices();
  const chosen = folder === undefined ? open : open.filter((entry) => entry.id === folder);
  if (folder !== undefined && chosen.length === 0) throw new Error(`No open folder has the id ${folder}`);
  const services = chosen.map(({ service }) => service);
  if (command === 'sync-now') await Promise.all(services.map((service) => service.syncNow()));
  else if (command === 'pause') for (const service of services) service.pause(until ?? undefined);
  else for (const service of services) service.resume();
}
