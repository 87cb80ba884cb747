import { contextBridge } from 'electron';

// The preload exposes the typed bridge and nothing else; until the bridge exists, only the version.
contextBridge.exposeInMainWorld('hoist', { version: '0.1.0' });
