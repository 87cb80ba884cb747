import { parentPort, workerData } from 'node:worker_threads';
import { startReferenceServer } from '../server/reference-server.js';
import type { EmbeddedRemoteMessage, EmbeddedRemoteStart } from './embedded-remote.js';

/** The embedded remote's own thread: starts the reference server, stops it when told. */
async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('embedded-remote-worker runs only as a worker thread');
  const send = (message: EmbeddedRemoteMessage): void => port.postMessage(message);
  const start = workerData as EmbeddedRemoteStart;
  let server: Awaited<ReturnType<typeof startReferenceServer>>;
  try {
    server = await startReferenceServer({
      dataDir: start.dataDir,
      users: [{ name: 'local', token: start.token }],
      port: 0,
    });
  } catch (error) {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port.once('message', () => {
    server.close().then(
      () => {
        send({ kind: 'closed' });
        port.close();
      },
      (error: unknown) => {
        send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
        port.close();
      },
    );
  });
  send({ kind: 'ready', url: server.url });
}

void main();
