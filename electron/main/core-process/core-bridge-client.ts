import type { BridgeEndpoint } from '../ipc/bridge-relay.js';
import type { MainToCore } from './core-protocol.js';

/** Messages a window may send before the core is ready; a page's first requests, never thousands. */
const MAX_QUEUED = 1000;

interface Connection {
  send: (message: unknown) => void;
  /** The core has been told about this connection (bridge-open went through). */
  openOnCore: boolean;
  /** Messages from the window waiting for the core to be ready. */
  queue: unknown[];
}

/**
 * The bridge server as main sees it: it lives in the utility process, so each renderer connection is a
 * numbered channel over the one port to the core. A window usually speaks before the core is ready (it
 * loads while the core opens its databases): its messages wait here and go out, in order, on coreReady.
 * Messages for a connection that has closed are dropped.
 */
export class CoreBridgeClient implements BridgeEndpoint {
  private nextConnection = 1;
  private readonly connections = new Map<number, Connection>();

  /** `post` sends to the core; it returns false when the core is not running and ready. */
  constructor(
    private readonly post: (message: MainToCore) => boolean,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  connect(send: (message: unknown) => void): { receive(message: unknown): void; close(): void } {
    const id = this.nextConnection++;
    const connection: Connection = { send, openOnCore: false, queue: [] };
    this.connections.set(id, connection);
    this.open(id, connection);
    return {
      receive: (message) => {
        if (this.connections.get(id) !== connection) return;
        if (connection.openOnCore && this.post({ type: 'bridge-message', connection: id, message })) return;
        if (connection.queue.length >= MAX_QUEUED) {
          this.log(`bridge: window connection ${id} sent too much while the sync process was starting`);
          return;
        }
        connection.queue.push(message);
      },
      close: () => {
        if (this.connections.get(id) !== connection) return;
        this.connections.delete(id);
        if (connection.openOnCore) this.post({ type: 'bridge-close', connection: id });
      },
    };
  }

  /** The core is running (first start or after a restart): open waiting connections, send their queues. */
  coreReady(): void {
    for (const [id, connection] of this.connections) {
      if (!connection.openOnCore) this.open(id, connection);
    }
  }

  /** A bridge message from the core for one connection. */
  deliver(connection: number, message: unknown): void {
    this.connections.get(connection)?.send(message);
  }

  /** The core went away: its connections with it (the relay opens new ones as windows reload). */
  forgetAll(): void {
    this.connections.clear();
  }

  private open(id: number, connection: Connection): void {
    if (!this.post({ type: 'bridge-open', connection: id })) return;
    connection.openOnCore = true;
    const waiting = connection.queue.splice(0);
    for (const message of waiting) this.post({ type: 'bridge-message', connection: id, message });
  }
}
