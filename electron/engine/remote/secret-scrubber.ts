import { SyncError } from '../sync-error.js';

// A secret too short to be a real token would mangle ordinary words, so those are left alone.
const MIN_SCRUBBED_SECRET = 8;

/**
 * The error with every secret in its message and detail replaced by `***` (and `extraDetail`, when
 * given, put in front of its detail). Hoist itself never writes a secret into a message; this
 * catches servers that echo one back. Returns the same error when there was nothing to change.
 */
export function scrubSecrets(error: SyncError, secrets: readonly string[], extraDetail?: string): SyncError {
  const real = secrets
    .filter((secret) => secret.length >= MIN_SCRUBBED_SECRET)
    .flatMap(encodedForms)
    // Longest first: a form that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  const clean = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : real.reduce((out, secret) => out.split(secret).join('***'), text);
  const message = clean(error.message) ?? '';
  const detail = clean(extraDetail ? `${extraDetail}: ${error.detail ?? error.message}` : error.detail);
  if (message === error.message && detail === error.detail) return error;
  return new SyncError(error.category, message, {
    retryable: error.retryable,
    ...(detail !== undefined ? { detail } : {}),
    ...(error.path !== undefined ? { path: error.path } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.reason !== undefined ? { reason: error.reason } : {}),
    cause: error.cause,
  });
}

/**
 * A secret as a server may echo it: as sent, URL-encoded (a query string or a form it parsed), and
 * base64 or base64url (a header it decoded, or encoded back). Each distinct form once.
 */
function encodedForms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [
    secret,
    encodeURIComponent(secret),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_SCRUBBED_SECRET);
}
