/**
 * What "not synced" means, once, for every place that counts or lists it: the window's headline and
 * its Not synced list, the tray, `hoist status` and `hoist sync --once`. The engine decides which
 * reason a file has (electron/engine/not-synced.ts); everything here is how that reads to people.
 *
 * A new reason is one entry in NOT_SYNCED_REASONS: the type, the words, whether it counts as
 * needing attention and whether Retry applies all follow from it. The engine then needs one place
 * that gives a file that reason (a `reason` on `LocalFiles.setState`, or a source in not-synced.ts).
 */
export const NOT_SYNCED_REASONS = {
  unreadable: { label: 'Cannot be read', onPurpose: false, retry: true },
  // Only a rename helps, and a renamed file is found by itself: Retry of this name could not succeed.
  'bad-name': { label: 'Name is not valid UTF-8', onPurpose: false, retry: false },
  'folder-unreadable': { label: 'Folder cannot be opened', onPurpose: false, retry: true },
  'rejected-by-remote': { label: 'Refused by the remote', onPurpose: false, retry: true },
  'too-large': { label: 'Too large for the remote', onPurpose: false, retry: true },
  'still-changing': { label: 'Still changing', onPurpose: false, retry: true },
  'waiting-for-remote': { label: 'Waiting for the remote', onPurpose: false, retry: true },
  // Stored, but the remote could not read it (Open WebUI's text extraction): sending the same bytes
  // again changes nothing, so no Retry; a changed file is uploaded and processed again.
  'processing-failed': { label: 'The remote could not read it', onPurpose: false, retry: false },
  // Resolved with the conflict's own choices (Keep both, Replace, Ignore), not by trying again.
  conflict: { label: 'In conflict', onPurpose: false, retry: false },
  'symbolic-link': { label: 'Symbolic link', onPurpose: true, retry: false },
  'special-file': { label: 'Special file', onPurpose: true, retry: false },
  'conflict-ignored': { label: 'Conflict you chose to leave', onPurpose: true, retry: false },
} as const satisfies Record<string, NotSyncedReasonInfo>;

export interface NotSyncedReasonInfo {
  /** A few words for the list's reason column; the entry's own message says the rest. */
  label: string;
  /** Left out by design or by the user's choice ("skipped on purpose"), not counted as a problem. */
  onPurpose: boolean;
  /** Retry can change the outcome (the file may be readable now, the remote may accept it now). */
  retry: boolean;
}

export type NotSyncedReason = keyof typeof NOT_SYNCED_REASONS;

export function isNotSyncedReason(value: unknown): value is NotSyncedReason {
  return typeof value === 'string' && Object.hasOwn(NOT_SYNCED_REASONS, value);
}

/** One entry of the Not synced list. */
export interface NotSyncedEntry {
  /**
   * Relative to the folder, '/'-separated. Bytes of a name that are not UTF-8 are kept as lone
   * surrogates U+DC80–U+DCFF (see file-name-bytes.ts), so the entry still names the file exactly;
   * show it through `escapeFileName`.
   */
  path: string;
  reason: NotSyncedReason;
  /** What happened and what to do, in words. */
  message: string;
  /** When Hoist tries again by itself; null when it waits for a change or for the user. */
  retryAt: number | null;
}

/** How many entries there are: the headline's "except 3 files" and the "skipped on purpose" aside. */
export interface NotSyncedCounts {
  /** Not synced and not on purpose: what the headline counts. */
  needsAttention: number;
  /** Symbolic links, special files, conflicts the user chose to leave. */
  onPurpose: number;
  /**
   * Of `needsAttention`, the entries that are not among the folder's tracked files (FileCounts): a
   * name that is not UTF-8, an entry or a folder that could not be read. "296 of 297 files synced"
   * counts them, so it agrees with "Up to date except 1 file".
   */
  notTracked: number;
  /**
   * Of `needsAttention`, the files FileCounts counts as synced (uploaded) that are not usable yet:
   * the remote could not process them. The sub-line takes them out of "synced".
   */
  uploadedButUnusable: number;
}

/** "1 file" or "3 files": the one plural rule of counts of files, for the window, the tray and the CLI. */
export function countFiles(count: number, format: (count: number) => string = String): string {
  return `${format(count)} ${count === 1 ? 'file' : 'files'}`;
}

/**
 * The headline of a pair with nothing left to do now, the same in the window and the tray: "Up to
 * date", or "Up to date except 3 files" when some are not synced (not counting those on purpose).
 */
export function restingHeadline(counts: NotSyncedCounts, format?: (count: number) => string): string {
  return counts.needsAttention === 0
    ? 'Up to date'
    : `Up to date except ${countFiles(counts.needsAttention, format)}`;
}
