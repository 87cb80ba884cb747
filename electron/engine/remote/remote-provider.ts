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
  close(): Promise<void>;
}
