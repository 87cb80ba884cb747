import { backOff } from 'exponential-backoff';
import { SyncError } from '../sync-error.js';

/**
 * The retry policy for everything that talks to a remote: exponential backoff with full jitter
 * (exponential-backoff), retrying only SyncErrors marked retryable, waiting at least as long as the
 * server asked (Retry-After), and stopping at once on abort or on an error retrying cannot fix.
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
}

export const DEFAULT_RETRY = {
  attempts: 6,
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
 * without waiting for a pending backoff; otherwise with the last error, unchanged.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? DEFAULT_RETRY.attempts));
  const startingDelayMs = Math.max(0, options.startingDelayMs ?? DEFAULT_RETRY.startingDelayMs);
  const maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs;
  const { signal, onRetry } = options;
  signal?.throwIfAborted();

  let attempt = 0;
  const run = backOff(
    async () => {
      // The library's own backoff timer cannot be cancelled: if it fires after an abort, do nothing.
      signal?.throwIfAborted();
      attempt += 1;
      return operation(attempt);
    },
    {
      numOfAttempts: attempts,
      startingDelay: startingDelayMs,
      maxDelay: maxDelayMs,
      timeMultiple: 2,
      jitter: 'full',
      delayFirstAttempt: false,
      retry: async (error: unknown, failedAttempts: number) => {
        if (signal?.aborted) return false;
        if (!isRetryable(error)) return false;
        if (failedAttempts >= attempts) return false;
        const retryAfterMs = Math.max(0, error.retryAfterMs ?? 0);
        if (retryAfterMs > maxRetryAfterMs) return false;
        const backoffCeiling = Math.min(maxDelayMs, startingDelayMs * 2 ** (failedAttempts - 1));
        onRetry?.(error, failedAttempts + 1, retryAfterMs + backoffCeiling);
        // The library then waits its jittered backoff on top, so the total is at least Retry-After.
        if (retryAfterMs > 0) await sleep(retryAfterMs, signal);
        return true;
      },
    },
  );
  if (!signal) return run;
  // Settle at once on abort even while the library sleeps; its late outcome is then ignored.
  run.catch(() => undefined);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([run, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
