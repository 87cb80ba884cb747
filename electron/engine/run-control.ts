import { setMaxListeners } from 'node:events';
import type { SyncErrorInfo } from '../../shared/sync-types.js';
import type { SyncError } from './sync-error.js';

/**
 * Whether the engine may work, as one value instead of flags that could disagree: running, paused
 * (until a time, or until resumed), stopped by a rejected token (until the token changes), or
 * stopped for good (asked to, or because the state DB failed).
 */
export type RunState =
  | { kind: 'running' }
  | { kind: 'paused'; until: number | null }
  | { kind: 'auth-failed'; error: SyncError }
  /** Its state DB failed (damaged, disk full): stopped for good, the failure worded for the user. */
  | { kind: 'state-failed'; error: SyncError }
  | { kind: 'stopped' };

/**
 * The controller of one run, whose signal every request, hash and backoff of the run listens to
 * (each removes its listener when it settles). Several per upload, times the upload concurrency,
 * passes Node's default warning threshold of 10 without any leak, so the threshold is raised.
 */
export function runController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  return controller;
}

/**
 * The one message for a remote that cannot be used, naming the address and what to check. A remote
 * that answers but refuses the request or answers nonsense is the wrong address or the wrong kind of
 * remote: a configuration problem. One that does not answer, or fails on its side, is not.
 */
export function unusableRemote(
  error: SyncError,
  label: string,
  remoteUrl: string | undefined,
): SyncErrorInfo {
  const where = remoteUrl !== undefined && remoteUrl.startsWith('http') ? `${label} at ${remoteUrl}` : label;
  const wrongKind = error.category === 'remote-rejected' || error.category === 'config';
  const check = wrongKind
    ? `Check the address, and that the server there speaks the ${label} API (the provider setting).`
    : 'Check the address, your network, and that the server is running.';
  return {
    category: wrongKind ? 'config' : error.category,
    message: `Hoist cannot use ${where}: ${error.message.replace(/\.$/, '')}. ${check}`,
    retryable: !wrongKind,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
  };
}
