// Past 300 lines (~345): one multipart upload's whole path (open or resume from the server's parts,
// send the missing parts within the shared slots, re-send a damaged one, check the file between parts, complete or abort).
import { lstat } from 'node:fs/promises';
import type { PairSettings } from '../../../shared/sync-types.js';
import type { EngineContext } from '../engine-context.js';
import type { MultipartSession, MultipartUploads, UploadCandidate } from '../remote/remote-provider.js';
import { withRetry } from '../remote/retry.js';
import { sameStat, type StatKey } from '../state/local-files.js';
import { SyncError } from '../sync-error.js';
import { fileRangeSource } from './file-body.js';
import type { FileBudget } from './file-budget.js';
import type { UploadContext } from './file-uploader.js';

/** Parts of 8 MiB: few enough requests per file, small enough that a lost part costs little. */
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** An upload in parts, open on the remote, with the parts it already holds (number → MD5 hex). */
export interface OpenParts {
  kind: 'parts';
  session: MultipartSession;
  stored: Map<number, string>;
}

/** What deciding on parts needs: the remote, the pair's settings, the part size asked for. */
type PartsContext = Pick<EngineContext, 'provider' | 'multipartPartBytes'> & {
  settings: () => PairSettings;
};

/** Whether this file goes up in parts: the remote takes parts and the file reaches the threshold. */
export function usesParts(context: PartsContext, size: number): boolean {
  return (
    context.provider.multipart !== undefined && size > 0 && size >= context.settings().multipartThreshold
  );
}

/**
 * The part size a file's upload will ask for, or undefined when it goes up in one PUT: known before
 * the file is hashed, so the hasher computes the parts' MD5s in the same read (hash-pending-file.ts).
 */
export function plannedPartBytes(context: PartsContext, size: number): number | undefined {
  const multipart = context.provider.multipart;
  if (multipart === undefined || !usesParts(context, size)) return undefined;
  return choosePartSize(size, multipart.limits, context.multipartPartBytes);
}

/**
 * The part size for a file: the preferred one, or larger where that would take more parts than the
 * remote allows (10,000 on S3), and never past the remote's largest part.
 */
export function choosePartSize(
  size: number,
  limits: MultipartUploads['limits'],
  preferred = DEFAULT_PART_BYTES,
): number {
  return Math.min(limits.maxPartBytes, Math.max(preferred, Math.ceil(size / limits.maxParts)));
}

/**
 * Resumes the upload recorded for this file when the remote still has it open for the same content
 * (its own list of parts is what counts as stored), or opens a new one and records its id. An upload
 * recorded for other content (the file changed between runs) is aborted on the remote first.
 */
export async function openParts(
  context: UploadContext,
  candidate: UploadCandidate,
  budget: FileBudget,
): Promise<OpenParts | { kind: 'existing'; key: string }> {
  const multipart = multipartOf(context);
  const records = context.state.multipart;
  const signal = context.signal();
  const record = records.get(candidate.path);
  if (record !== null) {
    if (record.md5 === candidate.md5Hex && record.size === candidate.size) {
      const listing = await withRetry(
        () => multipart.listParts(record.uploadId, signal),
        budget.retryOptions(),
      );
      if (listing !== null && listing.md5Hex === candidate.md5Hex && listing.size === candidate.size) {
        const stored = new Map(listing.parts.map((part) => [part.partNumber, part.md5Hex]));
        return { kind: 'parts', session: listing, stored };
      }
    } else {
      await abandon(context, candidate.path, record.uploadId);
    }
    records.forget(candidate.path);
  }
  const partSize = choosePartSize(candidate.size, multipart.limits, context.multipartPartBytes);
  const started = await withRetry(
    () => multipart.start(candidate, { partSize }, signal),
    budget.retryOptions(),
  );
  if (started.kind === 'existing') return started;
  records.begin({
    path: candidate.path,
    uploadId: started.uploadId,
    key: started.key,
    md5: candidate.md5Hex,
    size: candidate.size,
    partSize: started.partSize,
    partCount: started.partCount,
  });
  return { kind: 'parts', session: started, stored: new Map() };
}

/**
 * Sends the parts the remote lacks, several at once within the shared transfer slots, each streamed
 * from its range of the file and recorded as the remote confirms it; then completes the upload. The
 * file is checked against the stat it was hashed with before each part and before completing: if it
 * changed or vanished, the upload is aborted on the remote (nothing left open) and a `file-changed`
 * error thrown, which the uploader turns into "queued again" or "deleted".
 */
export async function sendParts(
  context: UploadContext,
  candidate: UploadCandidate,
  hashedStat: StatKey,
  open: OpenParts,
  budget: FileBudget,
): Promise<{ key: string; sentBytes: number }> {
  const { session, stored } = open;
  const signal = context.signal();
  const sizeOf = (partNumber: number): number =>
    Math.min(session.partSize, session.size - (partNumber - 1) * session.partSize);
  const missing: number[] = [];
  let storedBytes = 0;
  for (let partNumber = 1; partNumber <= session.partCount; partNumber += 1) {
    if (stored.has(partNumber)) storedBytes += sizeOf(partNumber);
    else missing.push(partNumber);
  }
  let sentBytes = 0;
  // The file's bar, and the batch's, start where the stored parts leave them.
  context.progress.resumed(storedBytes);
  context.progress.fileSent(candidate.path, candidate.size, storedBytes);
  context.onProgress();
  try {
    // The parts' MD5s from the hasher's read of the file (or, when those were not kept, from the
    // hasher's worker reading it again): no part is hashed here, on the engine's thread.
    const md5s = missing.length > 0 ? await partMd5s(context, candidate, hashedStat, session.partSize) : [];
    const queue = [...missing];
    // The first failure stops every worker taking another part; all are waited for before the
    // upload is aborted or left to resume, so no part is still on the wire past this function.
    let failure: { error: unknown } | null = null;
    const worker = async (): Promise<void> => {
      while (failure === null) {
        const partNumber = queue.shift();
        if (partNumber === undefined) return;
        try {
          await unchanged(candidate, hashedStat);
          const md5Hex = await sendOnePart(
            context,
            candidate,
            session,
            { partNumber, size: sizeOf(partNumber), md5Hex: md5s[partNumber - 1] as string },
            hashedStat,
            budget,
            {
              sent: (bytes) => {
                sentBytes += bytes;
              },
            },
          );
          stored.set(partNumber, md5Hex);
          context.state.multipart.partStored(candidate.path, partNumber, md5Hex);
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    };
    const workers = Math.max(1, Math.min(context.settings().concurrency, missing.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure !== null) throw (failure as { error: unknown }).error;
    await unchanged(candidate, hashedStat);
    const parts = Array.from({ length: session.partCount }, (_, index) => ({
      partNumber: index + 1,
      md5Hex: stored.get(index + 1) as string,
    }));
    const key = await withRetry(
      () => multipartOf(context).complete(session.uploadId, parts, signal),
      budget.retryOptions(),
    );
    context.state.multipart.forget(candidate.path);
    context.state.partHashes.forget(candidate.path);
    return { key, sentBytes };
  } catch (error) {
    // Whatever comes next (counted again by a retry, or as a whole by the engine), none of this
    // file's bytes stay counted from this attempt: no part is counted twice.
    context.progress.unsent(storedBytes + sentBytes);
    if (error instanceof SyncError && error.reason === 'no-such-upload') {
      // Expired or cleaned on the remote: the next attempt opens a new one.
      context.state.multipart.forget(candidate.path);
    } else if (error instanceof SyncError && error.reason === 'file-changed') {
      await abandon(context, candidate.path, session.uploadId);
    }
    throw error;
  } finally {
    context.progress.fileEnded(candidate.path);
  }
}

/**
 * The MD5 of every part of the file as hashed: kept from the hasher's read (part-hashes.ts), else
 * computed by the hasher's worker in one more read (a state from before they were kept, a part size
 * other than the one planned at hashing, a threshold changed since). A file that is no longer the
 * version hashed fails as `file-changed`.
 */
async function partMd5s(
  context: UploadContext,
  candidate: UploadCandidate,
  hashedStat: StatKey,
  partBytes: number,
): Promise<string[]> {
  const kept = context.state.partHashes.get(candidate.path, hashedStat, candidate.md5Hex, partBytes);
  if (kept !== null) return kept;
  const result = await context.hasher.hash(
    { absolutePath: candidate.absolutePath, sha256: false, expected: hashedStat, partBytes },
    context.signal(),
  );
  if (result.status === 'unreadable') {
    throw new SyncError('local-file', result.message, { reason: 'unreadable', detail: result.code });
  }
  if (result.status !== 'hashed' || result.md5 !== candidate.md5Hex || result.parts === undefined) {
    throw fileChanged(candidate);
  }
  context.state.partHashes.keep(candidate.path, result.stat, result.md5, result.parts);
  return result.parts.md5s;
}

/** One part, with retries: a fresh URL per attempt (signed with its MD5), its bytes streamed. */
async function sendOnePart(
  context: UploadContext,
  candidate: UploadCandidate,
  session: MultipartSession,
  part: { partNumber: number; size: number; md5Hex: string },
  hashedStat: StatKey,
  budget: FileBudget,
  counter: { sent: (bytes: number) => void },
): Promise<string> {
  const multipart = multipartOf(context);
  const signal = context.signal();
  const { partNumber, size, md5Hex } = part;
  const start = (partNumber - 1) * session.partSize;
  let damagedResends = 0;
  return withRetry(async () => {
    let sentThisAttempt = 0;
    try {
      return await context.transferSlots.run(async () => {
        // A URL asked for each attempt: an expired one is simply replaced.
        const [target] = await multipart.partUrls(session.uploadId, [{ partNumber, md5Hex }], signal);
        if (target === undefined)
          throw new SyncError('network', `The remote gave no link for part ${partNumber}`);
        const body = fileRangeSource(candidate.absolutePath, start, size, {
          limiter: context.limiter,
          signal,
          onBytes: (bytes) => {
            sentThisAttempt += bytes;
            counter.sent(bytes);
            budget.progressed();
            context.progress.sent(bytes);
            context.progress.fileSent(candidate.path, candidate.size, bytes);
            context.onProgress();
          },
        });
        return multipart.sendPart(target, size, body, signal);
      }, signal);
    } catch (error) {
      counter.sent(-sentThisAttempt);
      context.progress.unsent(sentThisAttempt);
      context.progress.fileSent(candidate.path, candidate.size, -sentThisAttempt);
      throw await damagedInTransit(error, candidate, hashedStat, damagedResends++);
    }
  }, budget.retryOptions());
}

/** How often one part refused for its MD5 is sent again while its file is unchanged. */
const DAMAGED_PART_RESENDS = 2;

/**
 * A part refused for its MD5 while the file is still the version hashed was damaged on the way: that
 * part alone is sent again (its MD5 came from the hasher's read, so nothing is hashed again), instead
 * of failing the file, which would hash the whole file again before its next try. A changed file is
 * `file-changed`, as between parts; a part refused again and again keeps its error.
 */
async function damagedInTransit(
  error: unknown,
  candidate: UploadCandidate,
  hashedStat: StatKey,
  resendsSoFar: number,
): Promise<unknown> {
  if (!(error instanceof SyncError) || error.reason !== 'digest-mismatch') return error;
  await unchanged(candidate, hashedStat);
  if (resendsSoFar >= DAMAGED_PART_RESENDS) return error;
  return new SyncError(error.category, error.message, {
    retryable: true,
    reason: error.reason,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    cause: error,
  });
}

/** Throws `file-changed` when the file is no longer the version hashed (or is gone). */
async function unchanged(candidate: UploadCandidate, hashedStat: StatKey): Promise<void> {
  let now: StatKey | null = null;
  try {
    const stat = await lstat(candidate.absolutePath);
    if (stat.isFile()) now = { size: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (now === null || !sameStat(hashedStat, now)) throw fileChanged(candidate);
}

function fileChanged(candidate: UploadCandidate): SyncError {
  return new SyncError(
    'local-file',
    'The file changed while it was being uploaded; it will be uploaded again',
    {
      reason: 'file-changed',
      retryable: false,
      detail: candidate.absolutePath,
    },
  );
}

/** Aborts an upload on the remote and forgets it; a failed abort is logged (the remote expires it). */
export async function abandon(context: UploadContext, path: string, uploadId: string): Promise<void> {
  try {
    await multipartOf(context).abort(uploadId);
  } catch (error) {
    context.report(
      'warning',
      path,
      'An unfinished upload in parts stays on the remote until it expires',
      String(error),
    );
  }
  context.state.multipart.forget(path);
}

function multipartOf(context: UploadContext): MultipartUploads {
  const multipart = context.provider.multipart;
  if (multipart === undefined) throw new Error('uploads in parts asked of a provider without them');
  return multipart;
}
