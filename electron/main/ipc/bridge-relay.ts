import { BRIDGE_CHANNEL } from './bridge-channel.js';
import { checkRendererMessage, type FrameLike } from './renderer-message-check.js';

/**
 * Carries the bridge between renderer windows and the bridge server over Electron IPC: one bridge
 * connection per webContents, opened on its first message and closed when it goes away. Written against
 * the few members of ipcMain / webContents it uses, so it is tested under Node with plain fakes.
 */

/** The bridge server's side (BridgeServer, or main's relay to the one in the utility process). */
export interface BridgeEndpoint {
  connect(send: (message: unknown) => void): { receive(message: unknown): void; close(): void };
}

export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, message: unknown): void;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike {
  sender: WebContentsLike;
  senderFrame: FrameLike | null;
}

export type IpcListener = (event: IpcEventLike, ...args: unknown[]) => void;

export interface IpcMainLike {
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export interface BridgeRelay {
  /** Closes every connection, e.g. before the core restarts with a fresh bridge server. */
  closeConnections(): void;
  /** Stops listening and closes every connection. */
  close(): void;
}

export function startBridgeRelay(options: {
  ipcMain: IpcMainLike;
  bridge: BridgeEndpoint;
  isOwnUrl: (url: string) => boolean;
  log: (line: string) => void;
}): BridgeRelay {
  const connections = new Map<number, { receive(message: unknown): void; close(): void }>();

  const connectionFor = (contents: WebContentsLike): { receive(message: unknown): void } => {
    const existing = connections.get(contents.id);
    if (existing !== undefined) return existing;
    const connection = options.bridge.connect((message) => {
      if (!contents.isDestroyed()) contents.send(BRIDGE_CHANNEL, message);
    });
    connections.set(contents.id, connection);
    contents.once('destroyed', () => {
      if (connections.get(contents.id) === connection) connections.delete(contents.id);
      connection.close();
    });
    return connection;
  };

  const listener: IpcListener = (event, ...args) => {
    const checked = checkRendererMessage(event.senderFrame, args, options.isOwnUrl);
    if (!checked.ok) {
      // The reason only: the message itself may be large or carry data that does not belong in a log.
      options.log(`bridge: ignored a message from window ${event.sender.id}: ${checked.reason}`);
      return;
    }
    connectionFor(event.sender).receive(checked.message);
  };
  options.ipcMain.on(BRIDGE_CHANNEL, listener);

  const closeConnections = (): void => {
    const open = [...connections.values()];
    connections.clear();
    for (const connection of open) connection.close();
  };
  return {
    closeConnections,
    close: () => {
      options.ipcMain.removeListener(BRIDGE_CHANNEL, listener);
      closeConnections();
    },
  };
}
