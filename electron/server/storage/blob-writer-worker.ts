/**
 * The reference server's blob writer thread (started by blob-writer.ts): puts batches of uploaded
 * blobs in place with blocking writes, renames and fsyncs (blob-placement.ts), off the event loop.
 */
import { parentPort } from 'node:worker_threads';
import { placeBlobs } from './blob-placement.js';
import type { FromBlobWriter, ToBlobWriter } from './blob-writer-protocol.js';

const port = parentPort;
if (port === null)
  throw new Error('blob-writer-worker must be started by the reference server as a worker thread');

const knownDirectories = new Set<string>();
port.on('message', (message: ToBlobWriter) => {
  placeBlobs(message.root, message.fsync, message.placements, knownDirectories).then(
    (results) => port.postMessage({ op: 'placed', id: message.id, results } satisfies FromBlobWriter),
    // placeBlobs settles each placement itself; should anything still escape, none of them was placed.
    (error: unknown) => {
      const failed = { ok: false as const, message: error instanceof Error ? error.message : String(error) };
      port.postMessage({
        op: 'placed',
        id: message.id,
        results: message.placements.map(() => failed),
      } satisfies FromBlobWriter);
    },
  );
});
port.postMessage({ op: 'ready' } satisfies FromBlobWriter);
