import type { EngineContext } from '../engine-context.js';
import type { RetryOptions } from '../remote/retry.js';
import { SyncError } from '../sync-error.js';
import type { Wait } from '../wait-tracker.js';

/**
 * One file's time with the remote: retries stop once it has gone `fileBudgetMs` without a byte
 * accepted (a stalled or throttling remote does not hold a worker for the sum of every attempt's
 * time-outs), and the engine's wait list names it while it tries.
 */
export class FileBudget {
  private lastProgressAt: number;
  private spent = false;
  private readonly wait: Wait;

  constructor(
    private readonly context: EngineContext,
    path: string,
  ) {
    this.lastProgressAt = context.clock.now();
    this.wait = context.waits.begin(`upload ${path}`);
  }

  /** Bytes were accepted: the budget starts again from now. */
  progressed(): void {
    this.lastProgressAt = this.context.clock.now();
  }

  retryOptions(): RetryOptions {
    const { context } = this;
    return {
      ...context.retry,
      signal: context.signal(),
      clock: context.clock,
      deadline: () => this.lastProgressAt + context.fileBudgetMs,
      onDeadline: () => (this.spent = true),
      onRetry: (error) => this.wait.failed(error.message),
    };
  }

  /** The failure that ended the upload, saying so when it was the budget that stopped the retries. */
  explain(error: SyncError): SyncError {
    if (!this.spent) return error;
    return new SyncError(
      error.category,
      `${error.message.replace(/\.$/, '')}; set aside after ${spoken(this.context.fileBudgetMs)} of tries without progress`,
      {
        retryable: true,
        ...(error.detail !== undefined ? { detail: error.detail } : {}),
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.reason !== undefined ? { reason: error.reason } : {}),
        cause: error,
      },
    );
  }

  end(): void {
    this.wait.end();
  }
}

/** "5 min", "90 s": a budget as a person says it. */
function spoken(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}
