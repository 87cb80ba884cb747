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
}

/** A listing with the remote's tag for it (null when untagged), or word that the tagged one holds. */
export type VersionedListing =
  { unchanged: true } | { unchanged: false; entries: RemoteEntry[]; version: string | null };

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

/** Feeds the bytes of a file; called again for every attempt, so each gets a fresh stream. */
export type BodySource = () => AsyncIterable<Uint8Array>;

export interface ProviderInfo {
  kind: ProviderKind;
  /** Shown to people: "Alloy", "This computer". */
  label: string;
  needsSha256: boolean;
  canDelete: boolean;
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
  /** Lists everything, following pagination to the end. */
  list(signal?: AbortSignal): Promise<RemoteEntry[]>;
  /**
   * `list`, made conditional where the remote tags its listings (an HTTP ETag; the reference server
   * does, docs/reference-remote.md §2): given the tag of the listing the mirror holds, the remote may answer that it
   * still holds, and nothing is sent again. Left out by providers whose remote has no such tags.
   */
  listSince?(version: string | null, signal?: AbortSignal): Promise<VersionedListing>;
  /** Throws SyncError('unsupported') when the dialect has no delete. */
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /** Called after a changed file was stored under a new key, for dialects that never overwrite. */
  replaced?(oldKey: string, newKey: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
