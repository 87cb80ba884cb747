import { describePauseEnd } from '../../../shared/pause-choice.js';
import type { SyncStatus } from '../../../shared/sync-types.js';

/**
 * What "Sync now" says when its pass is over, beside the button: when it checked, what it found, and
 * whether the pause is still on ("Checked at 14:02: all 297 files are synced; still paused until
 * tomorrow 08:00").
 */
export function syncNowOutcome(status: SyncStatus, now: number): string {
  const at = new Date(now);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const { counts } = status;
  // Counted as the headline and the Not synced list count them (shared/not-synced.ts): the pass is
  // over, so what is left is what could not be synced now.
  const notSynced = status.notSynced.needsAttention;
  const total = counts.total - counts.ignored + status.notSynced.notTracked;
  const problem = status.problems[0];
  const found =
    problem !== undefined
      ? problem.message.replace(/\.$/, '')
      : notSynced > 0
        ? `${notSynced.toLocaleString('en')} of ${total.toLocaleString('en')} file${total === 1 ? ' is' : 's are'} not synced (listed below)`
        : total === 0
          ? 'the folder has no files to sync yet'
          : total === 1
            ? 'the one file is synced'
            : `all ${total.toLocaleString('en')} files are synced`;
  const paused = status.paused ? `; still paused ${describePauseEnd(status.pausedUntil, now)}` : '';
  return `Checked at ${time}: ${found}${paused}.`;
}
