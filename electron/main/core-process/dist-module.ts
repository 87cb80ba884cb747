import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Loads a module of the app core from dist/ (what `npm run build:node` compiles), not from the
 * electron-vite bundle. The engine starts worker threads from files beside its modules (worker-entry.ts);
 * bundled into out/main, those files would not be there. A computed specifier keeps the bundler away.
 */
export async function importFromDist<T>(appRoot: string, modulePath: string): Promise<T> {
  return (await import(distModuleUrl(appRoot, modulePath))) as T;
}

/** `electron/host/x.ts` → file URL of `<appRoot>/dist/electron/host/x.js`. */
export function distModuleUrl(appRoot: string, modulePath: string): string {
  return pathToFileURL(join(appRoot, 'dist', modulePath.replace(/\.ts$/, '.js'))).href;
}
