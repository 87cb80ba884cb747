import { SyncError, type NetworkErrorCode } from '../sync-error.js';
import { localBodyError } from './counted-body.js';
import { describeError, errorCodes } from './error-chain.js';
import { describeUrl, type HttpRequest } from './http-types.js';

/** What a request that threw (no answer at all) means: the network's fault, the file's, or ours. */

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the server name could not be resolved',
  EAI_AGAIN: 'the server name could not be resolved right now',
  EHOSTUNREACH: 'the server is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ENETDOWN: 'the network is down',
  EHOSTDOWN: 'the server is down',
  UND_ERR_CONNECT_TIMEOUT: 'connecting took too long',
  UND_ERR_HEADERS_TIMEOUT: 'the server took too long to answer',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
  UND_ERR_SOCKET: 'the connection was closed',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_DESTROYED: 'the connection was closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
  UND_ERR_INFO: 'the connection was closed',
};
// undici codes that are our mistakes, not the network's.
const PROGRAMMING_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
]);

/**
 * What `request` threw when the caller did not abort it: the file's problem when the body source
 * failed (the body source's own SyncError when it made one), otherwise the network's (see
 * classifyNetworkError). Not yet scrubbed of secrets.
 */
export function thrownFailure(
  error: unknown,
  request: HttpRequest,
  url: URL,
  label: string,
  timeouts?: { headersMs: number; bodyMs: number },
): SyncError {
  const where = `${request.method} ${describeUrl(url)}`;
  const local = localBodyError(error);
  // The body source already said precisely what happened to the file (e.g. it changed): keep that.
  if (local?.cause instanceof SyncError) return local.cause;
  if (local) {
    return new SyncError(
      'local-file',
      local.kind === 'length-mismatch'
        ? 'The file changed while it was being uploaded.'
        : `The file could not be read while uploading it: ${local.message}`,
      {
        retryable: local.kind === 'read-failed',
        reason: local.kind === 'length-mismatch' ? 'digest-mismatch' : 'read-failed',
        detail: `${where}: ${local.message}`,
        cause: local,
      },
    );
  }
  return classifyNetworkError(error, label, url, where, request.action, timeouts);
}

/** A thrown transport error as a SyncError: network and retryable unless it is a TLS or programming problem. */
export function classifyNetworkError(
  error: unknown,
  label: string,
  url: URL,
  where: string,
  action?: string,
  timeouts?: { headersMs: number; bodyMs: number },
): SyncError {
  const codes = errorCodes(error);
  const detail = `${where}: ${describeError(error)}`;
  const tls = codes.find((code) => /CERT|^ERR_TLS|^ERR_SSL|SELF_SIGNED/.test(code));
  if (tls) {
    return new SyncError(
      'network',
      `The secure connection to ${label} at ${url.host} failed: its certificate was not accepted (${tls}).`,
      { reason: 'tls', detail, cause: error },
    );
  }
  const programming = codes.find((code) => PROGRAMMING_CODES.has(code));
  if (programming) {
    return new SyncError('config', `Hoist could not send a request to ${label} (${programming}).`, {
      detail,
      cause: error,
    });
  }
  const known = codes.find(isConnectionCode);
  const why = (known && CONNECTION_CODES[known]) ?? 'the connection failed';
  // A server that answered and then went quiet was reached: say what stalled, for how long, and
  // while doing what, not "could not reach".
  const stalled = known === 'UND_ERR_HEADERS_TIMEOUT' || known === 'UND_ERR_BODY_TIMEOUT';
  const message = stalled
    ? `${label} at ${url.host} stalled${action ? ` while Hoist tried to ${action}` : ''}: ${stallWords(known, timeouts)}.`
    : `Could not reach ${label} at ${url.host}: ${why}.`;
  return new SyncError('network', message, {
    retryable: true,
    reason: known ?? 'network',
    detail,
    cause: error,
  });
}

/** What a stall was, with how long Hoist waited when it knows: "no data for 30 s". */
function stallWords(
  code: 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT',
  timeouts: { headersMs: number; bodyMs: number } | undefined,
): string {
  const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return timeouts
      ? `no data for ${seconds(timeouts.bodyMs)} after it began to answer`
      : 'the answer stalled';
  }
  // Also what a PUT whose body the remote stopped reading ends with (see HttpTransport.dispatch).
  return timeouts
    ? `no answer (and nothing more of the request taken) for ${seconds(timeouts.headersMs)}`
    : 'the server took too long to answer';
}

/** True for a request the remote stopped answering (or stopped reading): each such try costs a time-out. */
export function isStall(error: SyncError): boolean {
  return error.reason === 'UND_ERR_HEADERS_TIMEOUT' || error.reason === 'UND_ERR_BODY_TIMEOUT';
}

/** A code that names what happened to the connection (errno or undici), kept as the reason. */
function isConnectionCode(code: string): code is NetworkErrorCode {
  return code in CONNECTION_CODES || code.startsWith('UND_ERR_') || /^E[A-Z]+$/.test(code);
}
