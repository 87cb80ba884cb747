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
 * Where the embedded remote runs. `own-thread`: a worker thread, for hosts that run long or have a
 * window (the desktop app, `hoist ui`, `hoist sync` watching). `this-thread`: the caller's thread,
 * for a process that does one job and exits (`hoist sync --once`). See startEmbeddedRemote.
 */
export type EmbeddedRemoteThread = 'own-thread' | 'this-thread';

/**
 * Starts the reference server. On its own thread (the default), its half of every request (the
 * catalog, the JSON of a 100,000-file listing, receiving bodies) runs on the second core instead of
 * taking turns with the sync engine on this one, and a window's thread never waits on it.
 *
 * On this thread, for `hoist sync --once`: a worker is a second V8 isolate that loads and compiles
 * its own copy of every module the server shares with the client, which made it about 0.25 s of
 * CPU of the 0.7 s an empty folder costs (docs/benchmarks.md, Start-up), against a few
 * milliseconds per request it could move to the other core. There is no window to keep responsive
 * there, and the requests of a run are mostly the engine waiting on their answers anyway.
 */
export function startEmbeddedRemote(
  start: EmbeddedRemoteStart,
  thread: EmbeddedRemoteThread = 'own-thread',
): Promise<EmbeddedRemote> {
  return thread === 'this-thread' ? startOnThisThread(start) : startOnOwnThread(start);
}

async function startOnThisThread(start: EmbeddedRemoteStart): Promise<EmbeddedRemote> {
  // Imported here so that a host running it on a worker never loads the server on its own thread.
  const { startReferenceServer } = await import('../server/reference-server.js');
  let server: Awaited<ReturnType<typeof startReferenceServer>>;
  try {
    server = await startReferenceServer({
      dataDir: start.dataDir,
      users: [{ name: 'local', token: start.token }],
      port: 0,
    });
  } catch (error) {
    // Worded as the worker's failure is, so that hosts report both the same way.
    throw new Error(`The embedded remote failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  let closing: Promise<void> | null = null;
  return { url: server.url, close: () => (closing ??= server.close()) };
}

function startOnOwnThread(start: EmbeddedRemoteStart): Promise<EmbeddedRemote> {
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
