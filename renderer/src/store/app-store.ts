import type { BridgeClient } from '../../../shared/bridge/bridge-client.js';
import type { AppView, StatusView } from '../../../shared/bridge/contract.js';
import type { ConnectionState } from '../bridge/transport.js';

/** Everything the window shows about the app, in one place: screens read it, they never keep a copy. */
export interface AppState {
  connection: ConnectionState;
  /** Null until the host answered `app.get` (loading). */
  app: AppView | null;
  /** Why `app.get` failed, in words; null while it has not. */
  loadError: string | null;
  /** The pair's last status (from `status.get`, then every `status` event); null until the first. */
  status: StatusView | null;
}

type Listener = () => void;

/**
 * The app's state as one external store, fed by the bridge's events and by the answers of commands
 * that return the app view; React reads it with `useSyncExternalStore` (use-app-store.ts). Each
 * change replaces the state object, so a selector that returns one of its fields is stable.
 */
export class AppStore {
  private state: AppState = { connection: 'connecting', app: null, loadError: null, status: null };
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
      bridge.on('status', (status) => this.update({ status })),
    ];
    if (this.state.connection === 'open') this.load();
  }

  detach(): void {
    for (const stop of this.detachEvents) stop();
    this.detachEvents = [];
    this.bridge = null;
  }

  /** The transport's state; every (re)opened connection reads the app and its status again. */
  setConnection(connection: ConnectionState): void {
    if (connection === this.state.connection) return;
    this.update({ connection });
    if (connection === 'open') this.load();
  }

  /** The app view a command answered with (or an `app` event carried): the newest there is. */
  applyApp(app: AppView): void {
    const hadPair = this.state.app?.pair ?? null;
    const pairChanged =
      hadPair?.folder !== app.pair?.folder || (this.state.app?.openError ?? null) !== app.openError;
    // Another pair (or none) makes the old status wrong; it is read again for the new one.
    this.update(pairChanged ? { app, loadError: null, status: null } : { app, loadError: null });
    if (pairChanged) this.loadStatus(app);
  }

  private load(): void {
    const bridge = this.bridge;
    if (!bridge) return;
    bridge.call('app.get', {}).then(
      (app) => this.applyApp(app),
      (error: Error) => this.update({ loadError: error.message }),
    );
    if (this.state.app) this.loadStatus(this.state.app);
  }

  private loadStatus(app: AppView): void {
    if (!this.bridge || !app.pair || app.openError) return;
    this.bridge.call('status.get', {}).then(
      (status) => this.update({ status }),
      () => undefined, // The next status event carries it; the screen says "Loading" meanwhile.
    );
  }

  private update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
