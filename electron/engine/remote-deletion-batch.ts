import type { RemoteDeleteResult } from './remote-deletion.js';

export interface DeletionProgress {
  done: number;
  total: number;
  deleted: number;
  failed: number;
}

export interface DeletionBatchOptions {
  /** Deletes in flight at once. */
  concurrency: number;
  /** Stops starting new deletes; those in flight finish (a delete is not half-done). */
  signal?: AbortSignal;
  onProgress?: (progress: DeletionProgress) => void;
}

export interface DeletionBatchOutcome {
  results: RemoteDeleteResult[];
  /** Keys never tried because the batch was cancelled. */
  notTried: number;
  cancelled: boolean;
}

/**
 * Runs a user's deletion of many remote files with bounded concurrency, reporting progress as each
 * finishes: one at a time, 10,000 deletes take 10,000 round trips end to end. `deleteOne` is the
 * engine's own single-key deletion, so the mirror and local rows follow exactly as for one file.
 */
export async function deleteInBatch(
  keys: readonly string[],
  deleteOne: (key: string) => Promise<RemoteDeleteResult>,
  options: DeletionBatchOptions,
): Promise<DeletionBatchOutcome> {
  const results: RemoteDeleteResult[] = [];
  const progress: DeletionProgress = { done: 0, total: keys.length, deleted: 0, failed: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length && options.signal?.aborted !== true) {
      const key = keys[next++] as string;
      let result: RemoteDeleteResult;
      try {
        result = await deleteOne(key);
      } catch (error) {
        result = { key, deleted: false, message: (error as Error).message };
      }
      results.push(result);
      progress.done++;
      if (result.deleted) progress.deleted++;
      else progress.failed++;
      options.onProgress?.({ ...progress });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, keys.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return {
    results,
    notTried: keys.length - progress.done,
    cancelled: options.signal?.aborted === true && progress.done < keys.length,
  };
}
