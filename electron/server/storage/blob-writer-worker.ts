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
  const reply: FromBlobWriter = {
    op: 'placed',
    id: message.id,
    results: placeBlobs(message.root, message.fsync, message.placements, knownDirectories),
  };
  port.postMessage(reply);
});
port.postMessage({ op: 'ready' } satisfies FromBlobWriter);
