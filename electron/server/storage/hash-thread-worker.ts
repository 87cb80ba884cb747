/**
 * The reference server's hash thread (started by hash-thread.ts): MD5, and SHA-256 when asked, of
 * the blocks of every large upload in progress, each upload a session of its own. A block is hashed
 * and handed straight back to the upload that lent it.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { FromHashThread, ToHashThread } from './hash-thread-protocol.js';

const port = parentPort;
if (port === null)
  throw new Error('hash-thread-worker must be started by the reference server as a worker thread');

const sessions = new Map<number, { md5: Hash; sha256: Hash | null }>();
const reply = (message: FromHashThread, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

port.on('message', (message: ToHashThread) => {
  switch (message.op) {
    case 'open':
      sessions.set(message.id, {
        md5: createHash('md5'),
        sha256: message.sha256 ? createHash('sha256') : null,
      });
      break;
    case 'update': {
      const session = sessions.get(message.id);
      if (!session) break;
      const view = new Uint8Array(message.block, 0, message.length);
      session.md5.update(view);
      session.sha256?.update(view);
      reply({ op: 'updated', id: message.id, block: message.block }, [message.block]);
      break;
    }
    case 'digest': {
      const session = sessions.get(message.id);
      if (!session) break;
      sessions.delete(message.id);
      reply({
        op: 'digest',
        id: message.id,
        md5Hex: session.md5.digest('hex'),
        sha256Hex: session.sha256 ? session.sha256.digest('hex') : null,
      });
      break;
    }
    case 'drop':
      sessions.delete(message.id);
      break;
  }
});

reply({ op: 'ready' });
