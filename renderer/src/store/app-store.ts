import type { BridgeClient } from '../../../shared/bridge/bridge-client.js';
import type { AppView, FolderView, StatusView } from '../../../shared/bridge/contract.js';
import type { ConnectionState } from '../bridge/connection-state.js';

/** Everything the window shows about the app, in one place: screens read it, they never keep a copy. */
export interface AppState {
  connection: ConnectionState;
  /** Null until the host answered `app.get` (loading). */
  app: AppView | null;
  /** Why `app.get` failed, in words; null while it has not. */
  loadError: string | null;
  /** Each open folder's last status, by folder id (from `overview.get`, then every `status` event). */
  statuses: Readonly<Record<string, StatusView>>;
  /**
   * The outcome of the last change made to a folder's remote or token, by folder path: the host opens
   * the folder again (under a new id when the remote changed), so the screen that asked is made anew
   * and reads it here.
   */
  notices: Readonly<Record<string, Notice>>;
}

export interface Notice {
  ok: boolean;
  text: string;
}

type Listener = () => void;

const NO_STATUSES: Readonly<Record<string, StatusView>> = {};

/** The folders whose status can be read: open, not opening, not failed. */
function openIds(app: AppView | null): string {
  return (app?.folders ?? [])
    .filter((folder) => !folder.opening && folder.openError === null)
    .map((folder) => folder.id)
    .join('\n');
}

/**
 * The app's state as one external store, fed by the bridge's events and by the answers of commands
 * that return the app view; React reads it with `useSyncExternalStore` (use-app-store.ts). Each
 * change replaces the state object (and only the parts that changed), so a selector that returns one
 * of its parts is stable, and a folder's status event re-renders only what reads that folder.
 */
export class AppStore {
  private state: AppState = {
    connection: 'connecting',
    app: null,
    loadError: null,
    statuses: NO_STATUSES,
    notices: {},
  };
  private readonly listeners = new Set<Listener>();
  private bridge: BridgeClient | null = null;
  private detachEvents: Array<() => void> = [];

  readonly getState = (): AppState => this.state;

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts listening to the bridge; reads everything once the connection is open. */
  attach(bridge: BridgeClient): void {
    this.bridge = bridge;
    this.detachEvents = [
      bridge.on('app', (view) => this.applyApp(view)),
      bridge.on('status', ({ folder, status }) => this.setStatus(folder, status)),
    ];
    if (this.state.connection === 'open') this.load();
  }

  detach(): void {
    for (const stop of this.detachEvents) stop();
    this.detachEvents = [];
    this.bridge = null;
  }

  /** The transport's state; every (re)opened connection reads the app and the statuses again. */
  setConnection(connection: ConnectionState): void {
    if (connection === this.state.connection) return;
    this.update({ connection });
    if (connection === 'open') this.load();
  }

  /** The app view a command answered with (or an `app` event carried): the newest there is. */
  applyApp(app: AppView): void {
    const before = openIds(this.state.app);
    const known = new Set(app.folders.map((folder) => folder.id));
    // A removed folder's status goes with it; the others' stay as they were.
    const kept = Object.entries(this.state.statuses).filter(([id]) => known.has(id));
    const statuses =
      kept.length === Object.keys(this.state.statuses).length
        ? this.state.statuses
        : Object.fromEntries(kept);
    this.update({ app, loadError: null, statuses });
    // A folder that just opened (or was added) has a status to read; one call reads every folder's.
    if (openIds(app) !== before) this.loadStatuses();
  }

  setNotice(folderPath: string, notice: Notice | null): void {
    const { [folderPath]: _old, ...rest } = this.state.notices;
    this.update({ notices: notice ? { ...rest, [folderPath]: notice } : rest });
  }

  /** The folder's view in the current app view, or null when it is not configured. */
  folder(id: string): FolderView | null {
    return this.state.app?.folders.find((folder) => folder.id === id) ?? null;
  }

  private setStatus(folder: string, status: StatusView): void {
    this.update({ statuses: { ...this.state.statuses, [folder]: status } });
  }

  private load(): void {
    const bridge = this.bridge;
    if (!bridge) return;
    bridge.call('app.get', {}).then(
      (app) => this.applyApp(app),
      (error: Error) => this.update({ loadError: error.message }),
    );
    if (this.state.app) this.loadStatuses();
  }

  /** Every folder's status in one call (`overview.get`): 100 folders are one request, not 100. */
  private loadStatuses(): void {
    this.bridge?.call('overview.get', {}).then(
      ({ folders }) => {
        const statuses: Record<string, StatusView> = { ...this.state.statuses };
        for (const folder of folders) if (folder.status) statuses[folder.id] = folder.status;
        this.update({ statuses });
      },
      () => undefined, // The next status events carry them; the screens say "Loading" meanwhile.
    );
  }

  private update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
