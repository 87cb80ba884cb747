import type { ProviderKind } from '../../../shared/sync-types.js';

/** One file on the remote, as a provider's listing describes it (fields it lacks are null). */
export interface RemoteEntry {
  key: string;
  /** The filename on the remote (our encoded path for files this folder uploaded). */
  name: string;
  size: number | null;
  lastModified: number | null;
  md5: string | null;
  sha256: string | null;
  /** What the remote did with the file after storing it, where it does something (Open WebUI). */
  processing?: RemoteProcessing;
}

/**
 * Open WebUI extracts the text of every file it stores, so the AI can read it (`data.status`):
 * `pending` until that ran, then `completed`, or `failed` with the remote's reason.
 */
export interface RemoteProcessing {
  status: 'pending' | 'completed' | 'failed';
  /** The remote's words for a failure; null when it gave none (or did not fail). */
  error: string | null;
}

/**
 * Takes one batch of a listing (a page, or a few thousand entries of an unpaged one) as it arrives;
 * the next is read only once this returns (or its promise settles).
 */
export type ListingSink = (entries: RemoteEntry[]) => void | Promise<void>;

/**
 * How a conditional listing ended: the tagged one still holds (nothing was listed), or a new one was
 * handed over, with the remote's tag for it (null when untagged).
 */
export type ListingResult = { unchanged: true } | { unchanged: false; version: string | null };

/** What the engine knows about a local file it wants on the remote. */
export interface UploadCandidate {
  /** Relative path in the folder, '/'-separated. */
  path: string;
  absolutePath: string;
  /** The name to store it under (see remote-names.ts). */
  remoteName: string;
  size: number;
  mimeType: string;
  md5Hex: string;
  /** Present when the provider needs SHA-256 (Open WebUI). */
  sha256Hex: string | null;
}

/** The remote's answer to "do you have this content?". */
export type UploadTicket =
  | { kind: 'existing'; key: string }
  | {
      kind: 'send';
      /** The key the bytes will be stored under, when known before sending. */
      key: string | null;
      /**
       * The remote said an object already exists under that key (Composio's `update`), so sending
       * replaces it; undefined where the API does not say (Alloy answers `new` either way).
       */
      replaces?: boolean;
      /** Provider-private details (presigned URL, headers); opaque to the engine. */
      target: unknown;
    };

/**
 * Feeds the bytes of a file; called again for every attempt, so each gets a fresh stream. A small
 * file comes as one buffer, the bytes its hash was computed from, sent in one write.
 */
export type BodySource = () => AsyncIterable<Uint8Array> | Uint8Array;

export interface ProviderInfo {
  kind: ProviderKind;
  /** Shown to people: "Alloy", "This computer". */
  label: string;
  needsSha256: boolean;
  canDelete: boolean;
  /** The remote processes each stored file before it is usable (Open WebUI): a new upload is pending. */
  processesUploads?: boolean;
  /**
   * The largest file one upload (one PUT) may carry, where the remote has such a limit (S3's 5 GiB
   * behind Alloy and Composio): a larger file goes up in parts or is reported, never attempted.
   */
  maxSingleUploadBytes?: number;
}

/**
 * One remote account speaking one dialect. Providers throw SyncError (sync-error.ts), classified:
 * auth (401/403 on the API), network (retryable), remote-rejected (4xx, permanent unless reason says
 * otherwise: `expired-url` means ask for a new ticket, `digest-mismatch` means the file changed).
 * Each dialect's quirks stay inside its module.
 */
export interface RemoteProvider {
  readonly info: ProviderInfo;
  prepareUpload(file: UploadCandidate, signal?: AbortSignal): Promise<UploadTicket>;
  /** Sends the bytes for a `send` ticket and returns the key they are stored under. */
  send(
    ticket: Extract<UploadTicket, { kind: 'send' }>,
    file: UploadCandidate,
    body: BodySource,
    signal?: AbortSignal,
  ): Promise<string>;
  /**
   * Lists everything, following pagination to the end, handing the entries to `onBatch` as they
   * arrive: no listing is ever held whole, however many files the remote has. A listing that fails
   * partway throws after handing over some batches, so they are provisional until this resolves.
   */
  listInBatches(onBatch: ListingSink, signal?: AbortSignal): Promise<void>;
  /** `listInBatches` collected into one array: for tests and small remotes only. */
  list(signal?: AbortSignal): Promise<RemoteEntry[]>;
  /**
   * `listInBatches`, made conditional where the remote tags its listings (an HTTP ETag; the reference
   * server does, docs/reference-remote.md §2): given the tag of the listing the mirror holds, the
   * remote may answer that it still holds, and nothing is sent again. Left out by providers whose
   * remote has no such tags.
   */
  listSince?(version: string | null, onBatch: ListingSink, signal?: AbortSignal): Promise<ListingResult>;
  /** Throws SyncError('unsupported') when the dialect has no delete. */
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /** Called after a changed file was stored under a new key, for dialects that never overwrite. */
  replaced?(oldKey: string, newKey: string, signal?: AbortSignal): Promise<void>;
  /**
   * Uploads in parts (API.md §5, docs/reference-remote.md §2a), where the dialect has them: the Alloy
   * dialect of the reference remote. Absent where the dialect has none (Composio, Open WebUI). Present
   * on a provider whose remote may still lack the routes (real Alloy): `start` then throws
   * SyncError('unsupported', reason `no-multipart`) and the file goes up in one PUT, or not at all.
   */
  readonly multipart?: MultipartUploads;
  /**
   * Tickets for many files in one request, where the remote offers them (the reference remote's
   * batch, docs/reference-remote.md §2); absent from dialects that never have them.
   */
  readonly ticketBatches?: TicketBatches;
  close(): Promise<void>;
}

/** `prepareUpload` for many files in one round trip; see upload/ticket-prefetch.ts for its use. */
export interface TicketBatches {
  /** The most files one batch may name; 0 until the remote has said it takes batches. */
  readonly maxFiles: number;
  /**
   * One entry per file, in order: its ticket, or null where the remote refused that file (it is
   * then asked alone, which reports the refusal as a single ticket would). Throws as `prepareUpload`
   * does when the request as a whole fails.
   */
  prepare(files: readonly UploadCandidate[], signal?: AbortSignal): Promise<Array<UploadTicket | null>>;
}

/** A multipart upload the remote opened for a file (or handed back, still open with its parts). */
export interface MultipartSession {
  /** What the state DB keeps to resume: the remote names the upload by it. */
  uploadId: string;
  /** The key the object will have once complete. */
  key: string;
  size: number;
  /** Every part but the last is this many bytes; part n covers [(n - 1) × partSize, n × partSize). */
  partSize: number;
  partCount: number;
  /** An object already sits under `key` (see UploadTicket); undefined where the remote does not say. */
  replaces?: boolean;
}

export type MultipartStart = { kind: 'existing'; key: string } | ({ kind: 'multipart' } & MultipartSession);

/** Where to PUT one part, until `expiresAt` (epoch ms): ask `partUrls` again for a fresh one. */
export interface PartTarget {
  partNumber: number;
  url: string;
  /** The part's MD5, base64: the Content-MD5 the URL was signed with. */
  md5Base64: string;
  expiresAt: number;
}

/** A part the remote holds; its ETag is the MD5 of its bytes. */
export interface StoredPart {
  partNumber: number;
  md5Hex: string;
  size: number;
}

/** An open upload as the remote lists it: what to resume from. */
export interface MultipartListing extends MultipartSession {
  /** The whole file's MD5 the upload was created for. */
  md5Hex: string;
  parts: StoredPart[];
}

/**
 * The remote's multipart calls. Failures are SyncErrors as elsewhere; the reasons that steer a
 * caller: `no-such-upload` (the upload was completed, aborted or expired: start again),
 * `expired-url` (ask `partUrls` again), `digest-mismatch` (the part's bytes are not the ones hashed),
 * `invalid-part` (complete refused the list of parts), `no-multipart` (the remote has no such routes).
 */
export interface MultipartUploads {
  /** The smallest part but the last and the most parts the remote takes (S3's: 5 MiB, 10,000). */
  readonly limits: { minPartBytes: number; maxPartBytes: number; maxParts: number };
  /**
   * Opens an upload for `file` (or says `existing`: the remote has this content under its key). The
   * remote picks the part size when `partSize` is left out.
   */
  start(
    file: UploadCandidate,
    options?: { partSize?: number },
    signal?: AbortSignal,
  ): Promise<MultipartStart>;
  /** Fresh URLs for parts, each signed with the part's MD5; asking again renews an expired one. */
  partUrls(
    uploadId: string,
    parts: ReadonlyArray<{ partNumber: number; md5Hex: string }>,
    signal?: AbortSignal,
  ): Promise<PartTarget[]>;
  /** PUTs one part (`size` bytes streamed from `body`); resolves with the MD5 hex the remote stored. */
  sendPart(target: PartTarget, size: number, body: BodySource, signal?: AbortSignal): Promise<string>;
  /** The upload and the parts it holds; null when it is gone (completed, aborted, expired). */
  listParts(uploadId: string, signal?: AbortSignal): Promise<MultipartListing | null>;
  /** Completes it with every part, in order; resolves with the key the file is now stored under. */
  complete(
    uploadId: string,
    parts: ReadonlyArray<{ partNumber: number; md5Hex: string }>,
    signal?: AbortSignal,
  ): Promise<string>;
  /** Drops the upload and its parts; an upload already gone is not an error. */
  abort(uploadId: string, signal?: AbortSignal): Promise<void>;
}
