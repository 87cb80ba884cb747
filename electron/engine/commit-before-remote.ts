import type { MultipartUploads, RemoteProvider } from './remote/remote-provider.js';
import type { PairState } from './state/pair-state.js';

/**
 * The provider as the engine uses it while its state's writes are committed in groups
 * (state/group-commit.ts): every request that changes the remote (bytes sent, a deletion, an old
 * version removed) waits until what the engine wrote before it is committed. That is the rule the
 * crash guarantees rest on: a state written before a remote change (a "sending to this key" mark
 * that later shows the object there is ours, a synced record before the copy it replaces is deleted)
 * is on disk before the change can happen, exactly as when every write was its own commit. Asking
 * and listing change nothing and do not wait. Several sends asking at once share one commit.
 *
 * A send waits for less: the writes until its upload said it was ready (`readyToSend`, right after
 * its sending mark), not those made while it then waited for a transfer slot (other files' hashes,
 * records and marks). What a crash leaves is still the state at some earlier instant, and that
 * instant's state allowed the send: it holds the mark. A commit forced by one send then covers the
 * marks of every file waiting behind it, so most sends find theirs already committed: ~0.56 commits
 * per small file before this, each ~0.35 ms of the engine's thread (docs/benchmarks.md).
 */
export function commitBeforeRemoteChanges(
  provider: RemoteProvider,
  state: Pick<PairState, 'committed' | 'committedForSend'>,
): RemoteProvider {
  const { listSince, replaced, multipart, ticketBatches } = provider;
  return {
    get info() {
      return provider.info;
    },
    prepareUpload: (file, signal) => provider.prepareUpload(file, signal),
    send: async (ticket, file, body, signal) => {
      await state.committedForSend(file.path);
      return provider.send(ticket, file, body, signal);
    },
    listInBatches: (onBatch, signal) => provider.listInBatches(onBatch, signal),
    list: (signal) => provider.list(signal),
    ...(listSince === undefined
      ? {}
      : { listSince: (version, onBatch, signal) => listSince.call(provider, version, onBatch, signal) }),
    delete: async (key, signal) => {
      await state.committed();
      return provider.delete(key, signal);
    },
    ...(replaced === undefined
      ? {}
      : {
          replaced: async (oldKey, newKey, signal) => {
            await state.committed();
            return replaced.call(provider, oldKey, newKey, signal);
          },
        }),
    ...(multipart === undefined ? {} : { multipart: multipartAfterCommits(multipart, state) }),
    // Tickets, like a single one, change nothing on the remote.
    ...(ticketBatches === undefined ? {} : { ticketBatches }),
    close: () => provider.close(),
  };
}

/**
 * The multipart calls, with the same rule: opening an upload changes nothing visible, but a part, a
 * completion or an abort waits for what was written before it (the upload id, above all, so no part
 * is ever sent for an upload a crash would leave unrecorded).
 */
function multipartAfterCommits(
  multipart: MultipartUploads,
  state: Pick<PairState, 'committed'>,
): MultipartUploads {
  return {
    get limits() {
      return multipart.limits;
    },
    start: (file, options, signal) => multipart.start(file, options, signal),
    partUrls: (uploadId, parts, signal) => multipart.partUrls(uploadId, parts, signal),
    sendPart: async (target, size, body, signal) => {
      await state.committed();
      return multipart.sendPart(target, size, body, signal);
    },
    listParts: (uploadId, signal) => multipart.listParts(uploadId, signal),
    complete: async (uploadId, parts, signal) => {
      await state.committed();
      return multipart.complete(uploadId, parts, signal);
    },
    abort: async (uploadId, signal) => {
      await state.committed();
      return multipart.abort(uploadId, signal);
    },
  };
}
