import type { ActivityKind } from '../../shared/sync-types.js';
import type { Clock } from '../base/clock.js';
import type { HasherPool } from './hash/hasher-pool.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { RetryOptions } from './remote/retry.js';
import type { PairState } from './state/pair-state.js';
import type { WaitTracker } from './wait-tracker.js';

/**
 * The engine's world, as one object (filen-sync's `environment` habit): the folder, its state, the
 * remote, the hasher, time and timers, the activity log and the current run's abort signal. The
 * engine builds it once; the pipeline, the hashing and the uploader all take it (plus what is theirs
 * alone), so a test builds one world on a temp dir and a real reference server.
 */
export interface EngineContext {
  /** The folder, absolute. */
  readonly root: string;
  readonly state: PairState;
  readonly provider: RemoteProvider;
  readonly hasher: HasherPool;
  readonly clock: Clock;
  readonly retry: Omit<RetryOptions, 'signal' | 'onRetry'>;
  /**
   * How long one file's upload may go on trying without a byte accepted before it is set aside for
   * now (retried later in watch mode, by the next run with --once).
   */
  readonly fileBudgetMs: number;
  /** What is being waited on the remote for, to say what stalled when a run runs out of time. */
  readonly waits: WaitTracker;
  report(kind: ActivityKind, path: string | null, message: string, detail?: string): void;
  /**
   * A file the scan saw was gone before it could be synced (deleted mid-run): logged once, and
   * listed in the run's summary and `hoist status`. Call only when its row was just marked deleted.
   */
  vanished(path: string, message: string): void;
  /**
   * The part size a multipart upload asks for (8 MiB unless a test wants parts its reference server
   * takes smaller); larger where the file would need more parts than the remote allows.
   */
  readonly multipartPartBytes?: number;
  /** The current run's signal: aborted on pause, stop and a rejected token. */
  signal(): AbortSignal;
}
