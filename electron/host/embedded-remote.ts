import { Worker } from 'node:worker_threads';
import { workerEntry } from '../base/worker-entry.js';

/** What the embedded remote's worker is started with; the token lives only in memory. */
export interface EmbeddedRemoteStart {
  dataDir: string;
  token: string;
}

export type EmbeddedRemoteMessage =
  { kind: 'ready'; url: string } | { kind: 'closed' } | { kind: 'failed'; message: string };

export interface EmbeddedRemote {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the reference server on its own thread: its half of every request (the catalog, the JSON
 * of a 100,000-file listing, receiving bodies) then runs on the second core instead of taking turns
 * with the sync engine on this one.
 */
export function startEmbeddedRemote(start: EmbeddedRemoteStart): Promise<EmbeddedRemote> {
  const { url: entry, execArgv } = workerEntry(import.meta.url, 'embedded-remote-worker');
  const worker = new Worker(entry, {
    workerData: start,
    // A smaller young generation than V8's default: 20-40 MB less peak RSS at 100,000 files, no slower.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
    ...(execArgv ? { execArgv } : {}),
  });
  return new Promise((resolve, reject) => {
    let closing: Promise<void> | null = null;
    let onClosed: ((error?: Error) => void) | null = null;
    worker.on('message', (message: EmbeddedRemoteMessage) => {
      if (message.kind === 'ready') {
        resolve({
          url: message.url,
          close: () =>
            (closing ??= new Promise<void>((closed, failed) => {
              onClosed = (error) => (error ? failed(error) : closed());
              worker.postMessage('close');
            })),
        });
      } else if (message.kind === 'closed') {
        onClosed?.();
      } else {
        const error = new Error(`The embedded remote failed: ${message.message}`);
        if (onClosed) onClosed(error);
        else reject(error);
      }
    });
    worker.on('error', (error) => {
      const failure = new Error(`The embedded remote stopped: ${error.message}`, { cause: error });
      if (onClosed) onClosed(failure);
      else reject(failure);
    });
    worker.on('exit', (code) => {
      // An exit before 'ready' or before 'closed' is a failure; after them these calls do nothing.
      reject(new Error(`The embedded remote exited with code ${code} before it was ready`));
      onClosed?.(code === 0 ? undefined : new Error(`The embedded remote exited with code ${code}`));
    });
  });
}
