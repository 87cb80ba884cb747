import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// The preload exposes the bridge and nothing else: send a message, listen for messages. No
// ipcRenderer, no Node, no other channel. Main checks every message (our frame, a bounded JSON object)
// and the bridge server validates its contents against the bridge schemas.

/** Must equal BRIDGE_CHANNEL in electron/main/ipc/bridge-channel.ts (a unit test checks it). */
const BRIDGE_CHANNEL = 'hoist:bridge';

contextBridge.exposeInMainWorld('hoistBridge', {
  send(message: unknown): void {
    ipcRenderer.send(BRIDGE_CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const forward = (_event: IpcRendererEvent, message: unknown): void => listener(message);
    ipcRenderer.on(BRIDGE_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(BRIDGE_CHANNEL, forward);
    };
  },
});
