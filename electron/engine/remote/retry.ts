import { systemClock, type Clock } from '../../base/clock.js';
import { abortReason } from '../../base/sleep.js';
import { SyncError } from '../sync-error.js';
import { isStall } from './thrown-failures.js';

/**
 * The retry policy for everything that talks to a remote: exponential backoff with full jitter,
 * retrying only SyncErrors marked retryable, waiting at least as long as the server asked
 * (Retry-After), and stopping at once on abort or on an error retrying cannot fix.
 *
 * A loop of its own rather than the exponential-backoff package it replaced: that library waits
 * with a raw setTimeout, which a test cannot drive and an abort cannot cancel. The waits here go
 * through the Clock, with the same policy (ceiling = starting delay × 2^(retry − 1), capped).
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 6. */
  attempts?: number;
  /** The ceiling of the first backoff; it doubles per retry (full jitter: the wait is random below it). Default 500 ms. */
  startingDelayMs?: number;
  /** The largest backoff ceiling. Default 30 s. */
  maxDelayMs?: number;
  /**
   * A Retry-After longer than this is not waited out here: the error is thrown so the caller can
   * schedule the work for later instead of holding a worker. Default 5 minutes.
   */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
  /**
   * Called before each retry: the error that failed the last attempt, the number of the attempt about
   * to run (2 for the first retry) and the most it will wait before it (Retry-After plus the backoff
   * ceiling; full jitter makes the backoff part random below that).
   */
  onRetry?: (error: SyncError, attempt: number, delayMs: number) => void;
  /** Whose time the waits pass in. Default the system clock; tests pass one they drive. */
  clock?: Clock;
  /**
   * Attempts in all when the remote stalled (stopped answering or reading): each such try costs a
   * whole time-out, and a remote that stalls tends to keep stalling. Default 2.
   */
  stallAttempts?: number;
  /**
   * No retry starts whose wait would end after this time (epoch ms, read before each retry, so it
   * may move): the caller's budget for the whole operation. The attempt in flight is not cut.
   */
  deadline?: () => number;
  /** Called when the deadline, not the attempts, ended the retries (with the error thrown). */
  onDeadline?: (error: SyncError) => void;
}

export const DEFAULT_RETRY = {
  attempts: 6,
  stallAttempts: 2,
  startingDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
} as const;

/** True when retrying `error` may succeed: a SyncError marked retryable. */
export function isRetryable(error: unknown): error is SyncError {
  return error instanceof SyncError && error.retryable;
}

/**
 * Runs `operation` until it succeeds, the error is not retryable, the attempts run out or `signal`
 * aborts. On abort it rejects with the signal's reason (an AbortError unless the caller gave another)
 * at once, even while an attempt or a wait is running; otherwise with the last error, unchanged.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { signal } = options;
  signal?.throwIfAborted();
  if (!signal) return attemptUntilDone(operation, options);
  // Listening before the first attempt starts: an attempt may abort the signal synchronously.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // An attempt may not listen to the signal: settle at once anyway; its late outcome is ignored.
  const run = attemptUntilDone(operation, options);
  run.catch(() => undefined);
  try {
    return await Promise.race([run, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

async function attemptUntilDone<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? DEFAULT_RETRY.attempts));
  const startingDelayMs = Math.max(0, options.startingDelayMs ?? DEFAULT_RETRY.startingDelayMs);
  const maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs;
  const stallAttempts = Math.max(1, Math.floor(options.stallAttempts ?? DEFAULT_RETRY.stallAttempts));
  const { signal, onRetry, deadline, onDeadline } = options;
  const clock = options.clock ?? systemClock;
  let stalls = 0;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted || !isRetryable(error) || attempt >= attempts) throw error;
      if (isStall(error) && ++stalls >= stallAttempts) throw error;
      const retryAfterMs = Math.max(0, error.retryAfterMs ?? 0);
      if (retryAfterMs > maxRetryAfterMs) throw error;
      const backoffCeiling = Math.min(maxDelayMs, startingDelayMs * 2 ** (attempt - 1));
      // Full jitter: the backoff is drawn uniformly below its ceiling, and comes on top of
      // Retry-After, so the wait is never shorter than the server asked.
      const waitMs = retryAfterMs + Math.round(Math.random() * backoffCeiling);
      if (deadline !== undefined && clock.now() + waitMs > deadline()) {
        onDeadline?.(error);
        throw error;
      }
      onRetry?.(error, attempt + 1, retryAfterMs + backoffCeiling);
      if (waitMs > 0) await clock.sleep(waitMs, signal);
    }
  }
}
