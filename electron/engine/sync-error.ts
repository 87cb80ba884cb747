import type { SyncErrorReason } from '../../shared/sync-error-reason.js';
import type { ErrorCategory, SyncErrorInfo } from '../../shared/sync-types.js';

export type { NetworkErrorCode, SyncErrorReason } from '../../shared/sync-error-reason.js';

/**
 * Every failure inside the engine becomes one of these: a category, whether retrying can help,
 * a headline a user can act on, and the technical detail kept for the activity log.
 */
export class SyncError extends Error {
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly detail: string | undefined;
  readonly path: string | undefined;
  /** HTTP status when the remote answered one. */
  readonly status: number | undefined;
  /** The server asked us to wait this long (Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** Why, more precisely than the category, e.g. `expired-url`, `folder-missing`: see SyncErrorReason. */
  readonly reason: SyncErrorReason | undefined;

  constructor(
    category: ErrorCategory,
    message: string,
    options: {
      retryable?: boolean;
      detail?: string;
      path?: string;
      status?: number;
      retryAfterMs?: number;
      reason?: SyncErrorReason;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'SyncError';
    this.category = category;
    this.retryable = options.retryable ?? false;
    this.detail = options.detail;
    this.path = options.path;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.reason = options.reason;
  }

  withPath(path: string): SyncError {
    return new SyncError(this.category, this.message, {
      retryable: this.retryable,
      path,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      cause: this.cause,
    });
  }

  toInfo(): SyncErrorInfo {
    return {
      category: this.category,
      message: this.message,
      retryable: this.retryable,
      ...(this.path !== undefined ? { path: this.path } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }
}

/** Wraps anything thrown into a SyncError, keeping SyncErrors as they are. */
export function toSyncError(error: unknown, fallback: ErrorCategory = 'local-file'): SyncError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SyncError(fallback, message, { cause: error, detail: message });
}
