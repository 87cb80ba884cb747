import type { StatusView } from '../../shared/bridge/contract.js';
import { restingHeadline } from '../../shared/not-synced.js';
import { describePauseEnd } from '../../shared/pause-choice.js';
import { formatCount, formatRate, formatSize, formatTimeLeft, plural } from './format.js';

export type Tone = 'ok' | 'busy' | 'paused' | 'attention' | 'offline';

/** The header's sentence: is my stuff safe, in words, then the numbers. */
export function statusSentence(status: StatusView, eta: number | null): { tone: Tone; text: string } {
  const { progress } = status;
  const auth = status.problems.find((problem) => problem.category === 'auth');
  if (status.state === 'auth-failed' || auth) {
    return { tone: 'attention', text: auth?.message ?? `${status.remoteLabel} rejected the API key` };
  }
  if (status.paused) {
    return {
      tone: 'paused',
      text: status.pausedUntil ? `Paused ${describePauseEnd(status.pausedUntil, Date.now())}` : 'Paused',
    };
  }
  if (status.state === 'offline')
    return { tone: 'offline', text: `Offline: ${status.remoteLabel} cannot be reached` };
  if (status.state === 'starting') return { tone: 'busy', text: 'Starting…' };
  if (progress.filesTotal > progress.filesDone) {
    const parts = [
      `Syncing ${formatCount(progress.filesDone)} of ${formatCount(progress.filesTotal)}`,
      `${formatSize(progress.bytesDone)} of ${formatSize(progress.bytesTotal)}`,
    ];
    if (progress.rate > 0) parts.push(formatRate(progress.rate));
    if (eta !== null) parts.push(formatTimeLeft(eta));
    return { tone: 'busy', text: parts.join(' · ') };
  }
  if (status.state === 'scanning') return { tone: 'busy', text: 'Looking for changes…' };
  // Counted once for every host (shared/not-synced.ts): the tray and `hoist status` say the same.
  if (status.notSynced.needsAttention > 0)
    return { tone: 'attention', text: restingHeadline(status.notSynced, formatCount) };
  if (status.problems.length > 0) return { tone: 'attention', text: 'Needs attention' };
  return { tone: 'ok', text: 'Up to date' };
}

/**
 * The files that should be synced: the tracked ones but conflicts the user chose to leave (skipped
 * on purpose), and those the walk could not take in (a name that is not UTF-8), which should be too.
 */
export function filesToSync(status: StatusView): number {
  return status.counts.total - status.counts.ignored + status.notSynced.notTracked;
}

/**
 * The line under the headline, counting what the headline counts: while syncing, the batch the
 * headline's "Syncing 6 of 119" is about; at rest, the folder's files with the same "not synced"
 * as "Up to date except 1 file" ("296 of 297 files synced"), and what was skipped on purpose.
 */
export function statusCounts(status: StatusView): string {
  const { progress, counts, notSynced } = status;
  if (progress.filesTotal > progress.filesDone) {
    return `${formatCount(progress.filesDone)} of ${plural(progress.filesTotal, 'file', 'files')} in this sync`;
  }
  const parts = [
    `${formatCount(counts.synced - notSynced.uploadedButUnusable)} of ${plural(filesToSync(status), 'file', 'files')} synced`,
  ];
  if (notSynced.onPurpose > 0) parts.push(`${formatCount(notSynced.onPurpose)} skipped on purpose`);
  return parts.join(' · ');
}
