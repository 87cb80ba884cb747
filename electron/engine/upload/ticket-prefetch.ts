import type { Clock } from '../../base/clock.js';
import type {
  RemoteProvider,
  TicketBatches,
  UploadCandidate,
  UploadTicket,
} from '../remote/remote-provider.js';
import type { LocalFiles } from '../state/local-files.js';
import { SMALL_BODY_BYTES } from './held-bodies.js';
import { uploadCandidateOf } from './upload-candidate.js';

// One batch names this many files at most: a folder of small files asks once per 64 instead of
// once per file (docs/benchmarks.md, "Tickets in batches").
const BATCH_FILES = 64;
/**
 * Only small files go with another's ticket, and no more of their bytes than an upload link sends in
 * seconds: a ticket is worth asking ahead only when its request costs about what the body does, and
 * one asked ahead of a long wait would expire unused, leaving the remote a pending upload to keep.
 */
const COMPANION_MAX_BYTES = SMALL_BODY_BYTES;
const BATCH_MAX_BYTES = 8 * 1024 * 1024;
/**
 * A ticket from a batch is used within this long of its answer, or not at all (the file is asked
 * about again, alone). A ticket states what the remote held when it answered (`replaces`): used at
 * once, as a ticket asked alone is, and not minutes later when another client may have uploaded.
 */
export const MAX_TICKET_AGE_MS = 15_000;

interface Prefetched {
  md5: string;
  remoteName: string;
  mimeType: string;
  ticket: UploadTicket;
  answeredAt: number;
}

export interface TicketPrefetchDeps {
  provider: RemoteProvider;
  files: LocalFiles;
  root: string;
  clock: Clock;
}

/**
 * Asks the remote for the tickets of the files at the head of the upload queue together, where the
 * remote takes batches (the reference remote; see TicketBatches): the first upload that finds no
 * ticket asks for its own and for those of the next files waiting, which then find theirs here.
 * Nothing here is ever needed: every way a batch can fail (no batches, a refused file, a failed
 * request, a file changed since) leaves the upload to ask alone, as it does without batches, and
 * that request reports any problem as it always has. A ticket changes no file on the remote (it
 * records a pending upload, which the remote prunes once its URL has expired), so one asked for and
 * never used costs its share of the request and that record.
 */
export class TicketPrefetch {
  private readonly ready = new Map<string, Prefetched>();
  /** Files whose batch is on its way, by path: their uploads wait for it rather than ask again. */
  private readonly asking = new Map<string, Promise<void>>();

  constructor(private readonly deps: TicketPrefetchDeps) {}

  /** This file's ticket from a batch, or null: ask the remote for it alone. Never throws. */
  async ticketFor(candidate: UploadCandidate, signal: AbortSignal): Promise<UploadTicket | null> {
    const batches = this.deps.provider.ticketBatches;
    if (batches === undefined || batches.maxFiles < 2) return null;
    const inFlight = this.asking.get(candidate.path);
    if (inFlight !== undefined) await inFlight;
    const prefetched = this.take(candidate);
    if (prefetched !== null || inFlight !== undefined) return prefetched;
    const companions = this.companionsOf(candidate, Math.min(batches.maxFiles, BATCH_FILES) - 1);
    // Alone, a batch is only a longer way to ask.
    if (companions.length === 0) return null;
    await this.ask(batches, [candidate, ...companions], signal);
    return this.take(candidate);
  }

  /** Tickets asked for but not used (for tests and the end of a run). */
  get waiting(): number {
    return this.ready.size;
  }

  private take(candidate: UploadCandidate): UploadTicket | null {
    const held = this.ready.get(candidate.path);
    if (held === undefined) return null;
    this.ready.delete(candidate.path);
    const fresh = this.deps.clock.now() - held.answeredAt <= MAX_TICKET_AGE_MS;
    const same =
      held.md5 === candidate.md5Hex &&
      held.remoteName === candidate.remoteName &&
      held.mimeType === candidate.mimeType;
    return fresh && same ? held.ticket : null;
  }

  /** The next files waiting for an upload that have no ticket yet nor one on its way. */
  private companionsOf(candidate: UploadCandidate, count: number): UploadCandidate[] {
    this.dropStale();
    const companions: UploadCandidate[] = [];
    let bytes = 0;
    for (const queued of this.deps.files.ticketQueue(count * 2, COMPANION_MAX_BYTES)) {
      if (companions.length >= count || bytes + queued.size > BATCH_MAX_BYTES) break;
      const { path, md5 } = queued;
      // md5 is never null here (ticketQueue asks for hashed files); said for the type.
      if (md5 === null || path === candidate.path || this.ready.has(path) || this.asking.has(path)) continue;
      companions.push(uploadCandidateOf(this.deps.root, queued, md5));
      bytes += queued.size;
    }
    return companions;
  }

  private async ask(batches: TicketBatches, files: UploadCandidate[], signal: AbortSignal): Promise<void> {
    const answered = batches.prepare(files, signal).then(
      (tickets) => {
        const answeredAt = this.deps.clock.now();
        tickets.forEach((ticket, index) => {
          const file = files[index];
          if (ticket === null || file === undefined) return;
          const { md5Hex: md5, remoteName, mimeType } = file;
          this.ready.set(file.path, { md5, remoteName, mimeType, ticket, answeredAt });
        });
      },
      // Each upload then asks alone, and that request reports what went wrong.
      () => undefined,
    );
    for (const file of files) this.asking.set(file.path, answered);
    try {
      await answered;
    } finally {
      for (const file of files) if (this.asking.get(file.path) === answered) this.asking.delete(file.path);
    }
  }

  private dropStale(): void {
    const oldest = this.deps.clock.now() - MAX_TICKET_AGE_MS;
    for (const [path, held] of this.ready) if (held.answeredAt < oldest) this.ready.delete(path);
  }
}
