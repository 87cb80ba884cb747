// Past 300 lines (~460): one upload's path from its checks to its record; its seams (ownership guard,
// same-name conflicts, the file and held bodies, transfer slots) are already modules of their own.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../../shared/format-bytes.js';
import { decodeRemoteName } from '../remote/remote-names.js';
import type { PairSettings } from '../../../shared/sync-types.js';
import { reasonOfError } from '../not-synced.js';
import type { EngineContext } from '../engine-context.js';
import type { UploadCandidate, UploadTicket } from '../remote/remote-provider.js';
import { withRetry } from '../remote/retry.js';
import { copyMatches, sameStat, type LocalFile, type StatKey } from '../state/local-files.js';
import { SyncError, toSyncError } from '../sync-error.js';
import { conflictFor } from './conflicts.js';
import { FileBudget } from './file-budget.js';
import { fileBody, heldBody, type UploadBody } from './file-body.js';
import type { HeldBodies, HeldBody } from './held-bodies.js';
import { abandon, openParts, sendParts, usesParts } from './multipart-uploader.js';
import { conflictWith, ownershipConflict, type OwnershipConflict } from './ownership-guard.js';
import type { ByteGate, TransferGate } from './upload-budget.js';
import type { ProgressTracker } from './progress-tracker.js';
import type { TicketPrefetch } from './ticket-prefetch.js';
import { uploadCandidateOf } from './upload-candidate.js';

/** The uploader's world: the engine's, plus transfer pacing, progress and the shared transfer slots. */
export interface UploadContext extends EngineContext {
  limiter: ByteGate;
  progress: ProgressTracker;
  /** Called as bytes go out, so progress moves during one large upload too. */
  onProgress: () => void;
  /** The concurrency limit on bodies being sent (shared by all upload workers). */
  transferSlots: TransferGate;
  /** The pair's settings as they are now (the multipart threshold, the concurrency). */
  settings: () => PairSettings;
  /** Small files' bytes kept from their hash (see held-bodies.ts); without it, every body is read. */
  bodies?: HeldBodies;
  /** Tickets asked for in batches (see ticket-prefetch.ts); without it, each file asks alone. */
  tickets?: TicketPrefetch;
}

export type UploadOutcome =
  | { kind: 'uploaded'; bytes: number }
  | { kind: 'existing' }
  | { kind: 'requeued' }
  | { kind: 'deleted' }
  | { kind: 'conflict' }
  | { kind: 'retrying'; error: SyncError }
  | { kind: 'failed'; error: SyncError }
  | { kind: 'auth-failed'; error: SyncError }
  | { kind: 'aborted' };

// After retries within one attempt are exhausted, the file waits this long, doubling, up to the cap.
const REQUEUE_BASE_MS = 30_000;
const REQUEUE_MAX_MS = 30 * 60_000;
const MAX_DIGEST_RETRIES = 3;

/**
 * Takes one hashed file to the remote: re-checks it has not changed, refuses name conflicts, asks the
 * remote whether it has the content (no PUT when it does), streams the bytes with retries, gets a new
 * URL when one expires, and re-queues the file if it changed underneath. Every outcome is recorded
 * in the DB before this returns.
 */
export async function uploadFile(context: UploadContext, file: LocalFile): Promise<UploadOutcome> {
  // Taken whatever the outcome, so it leaves the waiting bodies; counted until this upload is over.
  const held = context.bodies?.take(file.path);
  try {
    return await uploadChecked(context, file, held);
  } finally {
    if (held !== undefined) context.bodies?.release(held);
  }
}

async function uploadChecked(
  context: UploadContext,
  file: LocalFile,
  held: HeldBody | undefined,
): Promise<UploadOutcome> {
  const { clock } = context;
  const files = context.state.files;
  const absolutePath = join(context.root, ...file.path.split('/'));
  const current = statFile(absolutePath);
  if (current === null) {
    if (files.markDeleted(file.path, clock.now()))
      context.vanished(file.path, 'Deleted before it could be uploaded');
    return { kind: 'deleted' };
  }
  if (!sameStat(file, current)) {
    files.markSeen(file.path, file.remoteName, current, clock.now());
    return { kind: 'requeued' };
  }
  const conflict = conflictFor(files, file);
  if (conflict !== null) {
    if (file.state !== 'conflict') context.report('conflict', file.path, conflict);
    files.markConflict(file.path, 'same-name', null, conflict, clock.now());
    return { kind: 'conflict' };
  }
  const md5 = file.md5;
  if (md5 === null) {
    files.markSeen(file.path, file.remoteName, current, clock.now());
    return { kind: 'requeued' };
  }
  if (file.remoteKey !== null && file.syncedMd5 === md5) {
    // The remote already has exactly this content under this file's key (a touched file): nothing to
    // ask, as long as the mirror lists that copy unchanged. Replaced there: a conflict, never a quiet
    // "synced". Gone from the mirror: the remote is asked like for any other file.
    const recorded = context.state.mirror.copy(file.remoteKey);
    if (recorded !== null && !copyMatches(file, recorded)) {
      return markConflict(context, file, conflictWith(file, recorded));
    }
    if (recorded !== null && files.reconfirmSynced(file.path, md5, clock.now())) {
      return { kind: 'existing' };
    }
  }

  files.setState(file.path, 'uploading', clock.now());
  const candidate = uploadCandidateOf(context.root, file, md5);
  const budget = new FileBudget(context, file.path);
  try {
    // A remote without the multipart routes (real Alloy today) takes the file in one PUT, if it can.
    const open = usesParts(context, file.size)
      ? await openParts(context, candidate, budget).catch((error: unknown) => {
          if (error instanceof SyncError && error.reason === 'no-multipart') return null;
          throw error;
        })
      : null;
    if (open !== null) {
      if (open.kind === 'existing') {
        return finish(context, file, candidate, current, { key: open.key, sentBytes: null });
      }
      const { session } = open;
      const refused = ownershipConflict(context.state.mirror, file, {
        kind: 'send',
        key: session.key,
        ...(session.replaces !== undefined ? { replaces: session.replaces } : {}),
        target: null,
      });
      if (refused !== null) {
        await abandon(context, file.path, session.uploadId);
        return markConflict(context, file, refused);
      }
      files.markSending(file.path, session.key);
      const result = await sendParts(context, candidate, current, open, budget);
      return finish(context, file, candidate, current, result);
    }
    const limit = context.provider.info.maxSingleUploadBytes;
    if (limit !== undefined && file.size > limit) {
      const name = file.path.split('/').pop() ?? file.path;
      const message = `${name} is ${formatBytes(file.size)}; ${context.provider.info.label} takes at most ${formatBytes(limit)} in one upload`;
      return await failed(
        context,
        file,
        current,
        new SyncError('remote-rejected', message, { reason: 'too-large', retryable: false }),
      );
    }
    const ticket =
      (await context.tickets?.ticketFor(candidate, context.signal())) ??
      (await withRetry(
        () => context.provider.prepareUpload(candidate, context.signal()),
        budget.retryOptions(),
      ));
    if (ticket.kind === 'existing') {
      return finish(context, file, candidate, current, { key: ticket.key, sentBytes: null });
    }
    if (listsTheseBytes(context, ticket.key, md5, file.size)) {
      // Composio's v3.1 tickets always say `new`, so the remote never answers `existing` there; the
      // listing shows these very bytes under this name already (a lost state, another client's
      // identical copy): adopted as `existing` would be, with no PUT and no false conflict.
      return finish(context, file, candidate, current, { key: ticket.key as string, sentBytes: null });
    }
    const refused = ownershipConflict(context.state.mirror, file, ticket);
    if (refused !== null) return markConflict(context, file, refused);
    if (ticket.key !== null) files.markSending(file.path, ticket.key);
    context.state.readyToSend(file.path);
    // The bytes hashed, when they were kept and the file is still the version they were read from.
    // Its stat is taken again here, after the ticket (which may take long): bytes held in memory
    // would otherwise upload a file deleted meanwhile (a secret removed in a hurry), which a body
    // read from disk finds gone. A synchronous stat: a few µs, no trip through libuv's pool.
    const bytes =
      held !== undefined &&
      held.md5 === md5 &&
      held.bytes.length === file.size &&
      sameStat(held.stat, current) &&
      stillTheSame(absolutePath, held.stat)
        ? held.bytes
        : null;
    const result = await sendWithRetries(context, candidate, ticket, budget, bytes);
    return finish(context, file, candidate, current, result);
  } catch (error) {
    return failed(context, file, current, budget.explain(toSyncError(error, 'network')));
  } finally {
    budget.end();
  }
}

/** Whether the mirror lists exactly these bytes (MD5, and size where listed) under `key`. */
function listsTheseBytes(context: UploadContext, key: string | null, md5: string, size: number): boolean {
  if (key === null) return false;
  const listed = context.state.mirror.copy(key);
  return (
    listed !== null &&
    listed.md5 !== null &&
    listed.md5.toLowerCase() === md5 &&
    (listed.size === null || listed.size === size)
  );
}

function markConflict(context: UploadContext, file: LocalFile, conflict: OwnershipConflict): UploadOutcome {
  const repeated = file.conflictKind === conflict.kind && file.conflictKey === conflict.key;
  context.state.files.markConflict(
    file.path,
    conflict.kind,
    conflict.key,
    conflict.message,
    context.clock.now(),
  );
  if (!repeated) context.report('conflict', file.path, conflict.message);
  return { kind: 'conflict' };
}

/** Sends the bytes for a ticket, with retries; an expired URL is replaced by a fresh ticket. */
async function sendWithRetries(
  context: UploadContext,
  candidate: UploadCandidate,
  firstTicket: Extract<UploadTicket, { kind: 'send' }>,
  budget: FileBudget,
  heldBytes: Buffer | null,
): Promise<{ key: string; sentBytes: number | null }> {
  const { provider } = context;
  const signal = context.signal();
  const retryOptions = budget.retryOptions();
  let ticket: UploadTicket = firstTicket;
  let needsNewTicket = false;
  // The file's own bar goes when it is done, however it ends (stored, given up, aborted).
  try {
    return await attempts();
  } finally {
    context.progress.fileEnded(candidate.path);
  }

  function attempts(): Promise<{ key: string; sentBytes: number | null }> {
    return withRetry(async () => {
      if (needsNewTicket) {
        ticket = await provider.prepareUpload(candidate, signal);
        needsNewTicket = false;
        if (ticket.kind === 'existing') return { key: ticket.key, sentBytes: null };
      }
      let sentThisAttempt = 0;
      const bodyOptions = {
        limiter: context.limiter,
        signal,
        onBytes: (bytes: number) => {
          sentThisAttempt += bytes;
          budget.progressed();
          context.progress.sent(bytes);
          context.progress.fileSent(candidate.path, candidate.size, bytes);
          context.onProgress();
        },
      };
      const body: UploadBody =
        heldBytes !== null
          ? heldBody(heldBytes, bodyOptions)
          : fileBody(candidate.absolutePath, candidate.size, bodyOptions);
      try {
        const sendTicket = ticket as Extract<UploadTicket, { kind: 'send' }>;
        const key = await context.transferSlots.run(async () => {
          // On the wire from here (it had a transfer slot): its bar shows before the first byte.
          context.progress.fileSent(candidate.path, candidate.size, 0);
          context.onProgress();
          await body.ready();
          return provider.send(sendTicket, candidate, body.source, signal);
        }, signal);
        return { key, sentBytes: sentThisAttempt };
      } catch (error) {
        context.progress.unsent(sentThisAttempt);
        context.progress.fileSent(candidate.path, candidate.size, -sentThisAttempt);
        // An expired URL is retryable only with a fresh one.
        if (error instanceof SyncError && error.reason === 'expired-url') needsNewTicket = true;
        throw error;
      }
    }, retryOptions);
  }
}

async function finish(
  context: UploadContext,
  file: LocalFile,
  candidate: UploadCandidate,
  hashedStat: StatKey,
  result: { key: string; sentBytes: number | null },
): Promise<UploadOutcome> {
  const { clock, provider } = context;
  const files = context.state.files;
  const md5 = candidate.md5Hex;
  // A copy found by content may be another file of someone else's: only ours is ever replaced or deleted.
  const owned = result.sentBytes !== null || context.state.mirror.nameOf(result.key) === candidate.remoteName;
  // Bytes the remote already had, under a key the mirror lists as the remote's own listing gave it
  // (the mirror keeps the listing's version only while it is exactly that listing): that row stays
  // as listed, and its date is the baseline at once. Rewriting it would drop the listing's version
  // and cost a full listing at the end of the run for nothing.
  const listed =
    result.sentBytes === null && context.state.mirror.listingVersion() !== null
      ? context.state.mirror.copy(result.key)
      : null;
  const keepListedRow = listed !== null && (listed.size === null || listed.size === candidate.size);
  // One commit for both: they are one fact (this file's bytes are at that key), and a commit per
  // statement was a measurable share of the client's CPU on a sync of many small files. The mirror
  // row first: markSynced only records a copy the mirror knows.
  files.transaction(() => {
    if (!keepListedRow) {
      context.state.mirror.upsertOne(
        {
          key: result.key,
          name: candidate.remoteName,
          size: candidate.size,
          lastModified: clock.now(),
          md5,
          sha256: candidate.sha256Hex,
          // New bytes on a remote that processes them are not usable yet; the next listing says when.
          ...(result.sentBytes !== null && provider.info.processesUploads
            ? { processing: { status: 'pending', error: null } as const }
            : {}),
        },
        // The path a listing would give this row (under the remote folder, as the remote names it):
        // the local path left it outside its own folder's view until the next listing.
        decodeRemoteName(candidate.remoteName),
        clock.now(),
      );
    }
    const synced = keepListedRow
      ? files.markSynced(file.path, result.key, md5, owned, clock.now(), false, true)
      : files.markSynced(file.path, result.key, md5, owned, clock.now(), result.sentBytes !== null);
    // Refused when the file changed (or went) while this version was on its way: the copy is still
    // this version's, and this file's, which a later deletion or rename of the file must know.
    if (!synced) files.recordSentCopy(file.path, result.key, md5, candidate.size, owned);
  });
  const previousKey = file.remoteKey;
  const previousStillUsed =
    previousKey !== null &&
    files.withRemoteKey(previousKey).some((other) => other.path !== file.path && other.state !== 'deleted');
  if (
    previousKey !== null &&
    previousKey !== result.key &&
    file.remoteOwned &&
    !previousStillUsed &&
    provider.replaced
  ) {
    const removed = await provider.replaced(previousKey, result.key, context.signal()).then(
      () => true,
      (error: unknown) => {
        context.report(
          'warning',
          file.path,
          'The previous version stays on the remote: removing it failed',
          String(error),
        );
        return false;
      },
    );
    if (removed) context.state.mirror.remove(previousKey);
  }
  if (result.sentBytes === null)
    context.report('already-on-remote', file.path, 'Already on the remote; nothing uploaded');
  else context.report('uploaded', file.path, `Uploaded (${formatBytes(candidate.size)})`);
  // The remote now has the version we hashed; if the file changed meanwhile, the new version follows.
  const after = statFile(candidate.absolutePath);
  if (after === null) {
    // Its content is on the remote: an ordinary deletion, found a little earlier than by a scan.
    if (files.markDeleted(file.path, clock.now()))
      context.report('deleted-locally', file.path, 'Deleted from the folder');
    return { kind: 'deleted' };
  }
  if (!sameStat(hashedStat, after)) {
    files.markSeen(file.path, file.remoteName, after, clock.now());
    return { kind: 'requeued' };
  }
  return result.sentBytes === null ? { kind: 'existing' } : { kind: 'uploaded', bytes: result.sentBytes };
}

async function failed(
  context: UploadContext,
  file: LocalFile,
  hashedStat: StatKey,
  error: SyncError,
): Promise<UploadOutcome> {
  const { clock } = context;
  const files = context.state.files;
  const now = clock.now();
  if (context.signal().aborted) {
    files.setState(file.path, 'hashed', now);
    return { kind: 'aborted' };
  }
  if (error.reason === 'file-changed' || error.reason === 'digest-mismatch') {
    const current = statFile(join(context.root, ...file.path.split('/')));
    if (current === null) {
      if (files.markDeleted(file.path, now))
        context.vanished(file.path, 'Deleted before it could be uploaded');
      return { kind: 'deleted' };
    }
    if (!sameStat(current, hashedStat)) {
      files.markSeen(file.path, file.remoteName, current, now);
      return { kind: 'requeued' };
    }
    // Same stat, other bytes: the file changed without its mtime moving, or something between us and
    // the remote alters bodies. Hash again, but not forever.
    if (file.attempts + 1 >= MAX_DIGEST_RETRIES) {
      const message = 'The remote keeps rejecting this file’s checksum (MD5); it may be changing constantly.';
      files.setState(file.path, 'failed', now, {
        message,
        category: 'remote-rejected',
        reason: 'rejected-by-remote',
      });
      context.report('failed', file.path, message, error.detail);
      return { kind: 'failed', error: new SyncError('remote-rejected', message, { path: file.path }) };
    }
    files.requeueForHash(file.path, file.attempts + 1, now);
    return { kind: 'requeued' };
  }
  if (error.category === 'auth') {
    files.setState(file.path, 'hashed', now);
    return { kind: 'auth-failed', error };
  }
  const withPath = error.withPath(file.path);
  if (error.retryable) {
    const attempts = file.attempts + 1;
    const retryAt = now + Math.min(REQUEUE_MAX_MS, REQUEUE_BASE_MS * 2 ** (attempts - 1));
    files.setState(file.path, 'retrying', now, {
      message: error.message,
      category: error.category,
      reason: reasonOfError(error),
      retryAt,
      attempts,
    });
    context.report(
      'failed',
      file.path,
      `${error.message.replace(/\.$/, '')}; Hoist will try again later`,
      error.detail,
    );
    return { kind: 'retrying', error: withPath };
  }
  files.setState(file.path, 'failed', now, {
    message: error.message,
    category: error.category,
    reason: reasonOfError(error),
  });
  context.report('failed', file.path, error.message, error.detail);
  return { kind: 'failed', error: withPath };
}

/** Whether the file at `absolutePath` is still the version `stat` describes (false when gone). */
function stillTheSame(absolutePath: string, stat: StatKey): boolean {
  const now = statFile(absolutePath);
  return now !== null && sameStat(stat, now);
}

/**
 * The file's stat, or null when it is gone or no longer a file. Synchronous: a stat is a few µs in the
 * kernel, while the promise form costs a round trip through libuv's thread pool (a futex wake each
 * way and an event-loop turn), which perf showed as a larger share of a small file's upload than the
 * stat itself. The inline hash of small files reads them on this thread already.
 */
function statFile(absolutePath: string): StatKey | null {
  try {
    const stat = lstatSync(absolutePath, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile()) return null;
    return { size: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}
