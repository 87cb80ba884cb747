/**
 * Why an operation failed, more precisely than its ErrorCategory: what code branches on (ask for a
 * new upload link, hash the file again, tell the CLI user which flag is missing) and what the UI may
 * offer (Settings for `missing-token`). Every reason Hoist writes is listed here, so a typo or a
 * reason nobody handles is a compile error, not a silent miss.
 */
export type SyncErrorReason =
  // Configuration: fixed by the user, never by retrying.
  | 'missing-token' // no API token for a remote that needs one
  | 'missing-url' // a remote kind with no default address and none given
  | 'bad-url' // the remote's address is not a plain http(s) URL
  | 'state-dir' // Hoist's state directory cannot be used
  | 'unsafe-folder' // the folder to sync is /, home, a system folder or Hoist's own data (host/folder-guard.ts)
  | 'large-folder' // a first sync of a very large folder waits for the person's yes (host/large-folder.ts)
  | 'folder-conflict' // a folder the app would sync twice, inside another, or beside another on one remote folder (host/folder-conflicts.ts)
  | 'pair-locked' // another Hoist process is syncing this folder to this remote
  | 'no-pair' // Hoist has not synced that folder with that remote yet
  | 'mass-deletion' // more than half the folder disappeared within a minute: deletions are held
  | 'bad-setting' // a stored pair setting failed validation
  | 'not-the-api' // the address answers with a web page, not the API
  | 'redirected' // the API redirected: usually the wrong address
  | 'missing-sha256' // Open WebUI needs a SHA-256 the caller did not compute
  // Hoist's own state DB (the run stops; state-failure.ts words each).
  | 'state-damaged' // SQLite says the file is not a sound database
  | 'state-full' // the disk holding the state folder is full
  | 'state-unusable' // another SQLite error (I/O, read-only file system)
  // The remote said no.
  | 'throttled' // 429: slow down (see retryAfterMs)
  | 'server-error' // 5xx or 408: the remote's own problem; retryable
  | 'malformed-response' // not valid JSON where JSON was promised
  | 'unexpected-response' // JSON, but not the shape the dialect promises
  | 'response-too-large' // an answer past the size Hoist reads
  | 'not-owner' // the object belongs to another account
  | 'no-delete' // the remote has no way to delete
  | 'foreign-ticket' // an upload ticket from another provider
  // A PUT to a presigned URL, from the S3 error document's Code (mapped in s3-error.ts; S3's own codes
  // are a closed set Hoist understands, so they are not passed through raw).
  | 'expired-url' // AccessDenied "Request has expired": ask for a new link
  | 'access-denied'
  | 'signature-mismatch'
  | 'invalid-digest'
  | 'too-large'
  | 'request-timeout'
  | 'missing-header' // the store wants a header Hoist did not send (Azure's x-ms-blob-type)
  // The local file.
  | 'digest-mismatch' // the bytes sent are not the ones hashed: the file changed while uploading
  | 'file-changed' // size or mtime moved between hashing and sending
  | 'unreadable' // the file could not be opened for upload
  | 'read-failed' // reading failed part-way through an upload
  | 'folder-missing' // the synced folder is gone (unmounted, deleted): nothing is deleted meanwhile
  | 'folder-unreadable'
  // The network.
  | 'tls' // the server's certificate was not accepted
  | 'network' // a connection failure without a code Hoist knows
  | NetworkErrorCode;

/**
 * A failed connection's own code, kept as the reason so the log says exactly what the system said:
 * Node's (`ECONNRESET`, `ENOTFOUND`, `EAI_AGAIN`) and undici's (`UND_ERR_HEADERS_TIMEOUT`). The set is
 * open (any errno), so it is a pattern rather than a list: upper case, starting `E` or `UND_ERR_`,
 * which none of the reasons above can be mistaken for.
 */
export type NetworkErrorCode = `E${Uppercase<string>}` | `UND_ERR_${Uppercase<string>}`;
