/**
 * The hashing thread started by HasherPool: one job at a time, synchronous reads into one buffer
 * reused for every file (synchronous reads are the fastest here, and this thread has nothing else
 * to do). A job's file-system errors come back as results; anything else crashes the worker, which
 * the pool reports and replaces.
 */
import { parentPort } from 'node:worker_threads';
import { hashFileSync, READ_SIZE } from './hash-file.js';
import type { HashJobMessage, HashReplyMessage } from './hash-protocol.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker must be started by HasherPool as a worker thread');

const buffer = Buffer.allocUnsafe(READ_SIZE);

port.on('message', (job: HashJobMessage) => {
  const { result, bytesRead } = hashFileSync(job.request, buffer);
  const reply: HashReplyMessage = { id: job.id, result, bytesRead };
  // A kept body owns its ArrayBuffer (allocUnsafeSlow): moved to the engine's thread, not copied.
  const body = result.status === 'hashed' ? result.body : undefined;
  port.postMessage(reply, body !== undefined ? [body.buffer as ArrayBuffer] : []);
});
