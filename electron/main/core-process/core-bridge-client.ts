import type { BridgeEndpoint } from '../ipc/bridge-relay.js';
import type { MainToCore } from './core-protocol.js';

/**
 * The bridge server as main sees it: it lives in the utility process, so each renderer connection is a
 * numbered channel over the one port to the core. Messages for a connection that has closed (a window
 * gone, or a core that restarted) are dropped.
 */
export class CoreBridgeClient implements BridgeEndpoint {
  private nextConnection = 1;
  private readonly open = new Map<number, (message: unknown) => void>();

  /** `post` sends to the core; it returns false when the core is not running (the message is lost). */
  constructor(private readonly post: (message: MainToCore) => boolean) {}

  connect(send: (message: unknown) => void): { receive(message: unknown): void; close(): void } {
    const connection = this.nextConnection++;
    this.open.set(connection, send);
    this.post({ type: 'bridge-open', connection });
    return {
      receive: (message) => {
        if (this.open.has(connection)) this.post({ type: 'bridge-message', connection, message });
      },
      close: () => {
        if (this.open.delete(connection)) this.post({ type: 'bridge-close', connection });
      },
    };
  }

  /** A bridge message from the core for one connection. */
  deliver(connection: number, message: unknown): void {
    this.open.get(connection)?.(message);
  }

  /** The core went away: every connection is gone with it (the relay opens new ones on demand). */
  forgetAll(): void {
    this.open.clear();
  }
}
