import { join } from 'node:path';
import { createCoreServices } from './create-core-services.js';
import { runCore } from './core-runtime.js';
import type { CoreToMain } from './core-protocol.js';
import { findElectronSqliteBinding } from './sqlite-binding.js';

// The entry of the app core's utilityProcess (built to out/main/core-process.js). Only the adapter from
// Electron's parentPort to runCore lives here; everything else is tested under Node.

const port = process.parentPort;
const appRoot = join(__dirname, '..', '..');

const sqliteNativeBinding = findElectronSqliteBinding({
  appRoot,
  // In a packaged app; from the source tree there is no resources folder of ours.
  resourcesPath: appRoot.includes('app.asar') ? process.resourcesPath : undefined,
  electronVersion: process.versions.electron ?? '',
  platform: process.platform,
  arch: process.arch,
});

runCore(
  {
    postMessage: (message: CoreToMain) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
  },
  createCoreServices,
  { appRoot, sqliteNativeBinding, exit: (code) => process.exit(code) },
).catch((error: unknown) => {
  // Main sees the exit and restarts the core with backoff; the reason goes to its log through stderr.
  process.stderr.write(`hoist core: could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
