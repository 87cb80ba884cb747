import type { BridgeEndpoint } from '../ipc/bridge-relay.js';

/**
 * The utility-process end of CoreBridgeClient: one bridge server connection per numbered connection
 * main opens, with replies tagged with that number.
 */
export class CoreBridgeHost {
  private readonly connections = new Map<number, { receive(message: unknown): void; close(): void }>();

  constructor(
    private readonly bridge: BridgeEndpoint,
    private readonly post: (message: {
      type: 'bridge-message';
      connection: number;
      message: unknown;
    }) => void,
  ) {}

  open(connection: number): void {
    if (this.connections.has(connection)) return;
    this.connections.set(
      connection,
      this.bridge.connect((message) => this.post({ type: 'bridge-message', connection, message })),
    );
  }

  receive(connection: number, message: unknown): void {
    this.connections.get(connection)?.receive(message);
  }

  close(connection: number): void {
    this.connections.get(connection)?.close();
    this.connections.delete(connection);
  }

  closeAll(): void {
    for (const connection of [...this.connections.keys()]) this.close(connection);
  }
}
