import {
  isNotSyncedReason,
  NOT_SYNCED_REASONS,
  type NotSyncedCounts,
  type NotSyncedEntry,
  type NotSyncedReason,
} from '../../shared/not-synced.js';
import type { ErrorCategory, FileSyncState } from '../../shared/sync-types.js';
import type { PairState } from './state/pair-state.js';
import type { SyncError } from './sync-error.js';

/**
 * The one definition of "not synced" (issue 16): what the headline, the tray, the window's Not
 * synced list, `hoist status` and `hoist sync --once` all count and list. Two sources, both in the
 * pair's DB so a pair that is not open (`hoist status`) reads the same:
 * - tracked files that failed, wait to retry, are in conflict or were left so by the user
 *   (local_files, each with its stored reason);
 * - what the folder walk could not take in (a name that is not UTF-8, an entry or a folder it could
 *   not read) or left out by design (links, special files), kept as pair facts by local-changes.ts.
 * A new reason: an entry in shared/not-synced.ts, then either a `reason` where a file's state is
 * written (see `reasonOfError`) or one more source below (as 'processing-failed' reads the mirror).
 */

/** The pair facts the walk's findings are kept in (written by local-changes.ts). */
export const SCAN_FACTS = { unreadable: 'lastScanUnreadable', skipped: 'lastScanSkipped' } as const;

/** One entry of a walk's findings as stored: what the scan said, and why. */
export interface ScanFinding {
  path: string;
  message: string;
  reason: Extract<
    NotSyncedReason,
    'unreadable' | 'bad-name' | 'folder-unreadable' | 'symbolic-link' | 'special-file'
  >;
}

/** The reason a failure gives a file: where the engine records a failed or retrying file. */
export function reasonOfError(error: Pick<SyncError, 'category' | 'reason'>): NotSyncedReason {
  if (error.reason === 'too-large') return 'too-large';
  if (error.category === 'local-file') return 'unreadable';
  if (error.category === 'remote-rejected' || error.category === 'unsupported') return 'rejected-by-remote';
  return 'waiting-for-remote';
}

/**
 * Every entry, files first (conflicts the user left last), then those the remote stored but could not
 * process, then the walk's findings; at most `limit`. `remoteLabel` names the remote in messages.
 */
export function listNotSynced(state: PairState, limit = 1000, remoteLabel = 'The remote'): NotSyncedEntry[] {
  const entries: NotSyncedEntry[] = state.files.notSynced(limit).map((file) => ({
    path: file.path,
    reason: reasonOfFile(file.state, file.errorReason, file.errorCategory),
    message: file.lastError ?? 'Not uploaded yet',
    retryAt: file.state === 'retrying' ? file.retryAt : null,
  }));
  for (const failure of state.processingFailures(remoteLabel, limit)) {
    if (entries.length >= limit) break;
    entries.push({
      path: failure.path,
      reason: 'processing-failed',
      message: failure.message,
      retryAt: null,
    });
  }
  for (const finding of [...scanFindings(state, 'unreadable'), ...scanFindings(state, 'skipped')]) {
    if (entries.length >= limit) break;
    entries.push({ path: finding.path, reason: finding.reason, message: finding.message, retryAt: null });
  }
  // Attention first, what was left out on purpose after.
  return entries.sort(
    (a, b) => Number(NOT_SYNCED_REASONS[a.reason].onPurpose) - Number(NOT_SYNCED_REASONS[b.reason].onPurpose),
  );
}

/** The counts alone: a few grouped rows and two facts, cheap enough for every status. */
export function countNotSynced(state: PairState): NotSyncedCounts {
  const counts: NotSyncedCounts = { needsAttention: 0, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 };
  const add = (reason: NotSyncedReason, n: number): void => {
    if (NOT_SYNCED_REASONS[reason].onPurpose) counts.onPurpose += n;
    else counts.needsAttention += n;
  };
  for (const group of state.files.notSyncedGroups()) {
    add(reasonOfFile(group.state, group.reason, group.category), group.n);
  }
  // Synced files whose remote copy could not be processed (read off a partial index: nothing to
  // read where everything was processed).
  const unusable = state.processingFailures('', Number.MAX_SAFE_INTEGER).length;
  add('processing-failed', unusable);
  counts.uploadedButUnusable = unusable;
  for (const finding of [...scanFindings(state, 'unreadable'), ...scanFindings(state, 'skipped')]) {
    add(finding.reason, 1);
    if (!NOT_SYNCED_REASONS[finding.reason].onPurpose) counts.notTracked++;
  }
  return counts;
}

/** What the last walk found, as stored; entries written before reasons were stored get one. */
export function scanFindings(state: PairState, kind: keyof typeof SCAN_FACTS): ScanFinding[] {
  const stored = state.settings.fact(SCAN_FACTS[kind]);
  if (stored === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: Partial<ScanFinding>) => {
    if (typeof entry?.path !== 'string' || typeof entry.message !== 'string') return [];
    const fallback = kind === 'skipped' ? ('symbolic-link' as const) : ('unreadable' as const);
    const reason = isNotSyncedReason(entry.reason) ? (entry.reason as ScanFinding['reason']) : fallback;
    return [{ path: entry.path, message: entry.message, reason }];
  });
}

function reasonOfFile(
  state: FileSyncState,
  stored: string | null,
  category: ErrorCategory | null,
): NotSyncedReason {
  if (state === 'conflict') return 'conflict';
  if (state === 'ignored') return 'conflict-ignored';
  if (isNotSyncedReason(stored)) return stored;
  // Written before reasons were stored: the category says enough.
  return reasonOfError({ category: category ?? 'network', reason: undefined });
}
