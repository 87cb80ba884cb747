import type { StatusView } from '../../shared/bridge/contract.js';
import { formatCount, formatDuration, formatRate, formatSize, formatUntil, plural } from './format.js';

export type Tone = 'ok' | 'busy' | 'paused' | 'attention' | 'offline';

/** The header's sentence: is my stuff safe, in words, then the numbers. */
export function statusSentence(status: StatusView, eta: number | null): { tone: Tone; text: string } {
  const { progress, counts } = status;
  const auth = status.problems.find((problem) => problem.category === 'auth');
  if (status.state === 'auth-failed' || auth) {
    return { tone: 'attention', text: auth?.message ?? `${status.remoteLabel} rejected the API key` };
  }
  if (status.paused) {
    return {
      tone: 'paused',
      text: status.pausedUntil ? `Paused until ${formatUntil(status.pausedUntil)}` : 'Paused',
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
    if (eta !== null) parts.push(`about ${formatDuration(eta)} left`);
    return { tone: 'busy', text: parts.join(' · ') };
  }
  if (status.state === 'scanning') return { tone: 'busy', text: 'Looking for changes…' };
  // Idle with files still pending: they wait for a retry (unreadable, remote errors), not for a turn.
  const notSynced = counts.failed + counts.conflict + (status.state === 'idle' ? counts.pending : 0);
  if (notSynced > 0)
    return { tone: 'attention', text: `Needs attention: ${plural(notSynced, 'file', 'files')} not synced` };
  if (status.problems.length > 0) return { tone: 'attention', text: 'Needs attention' };
  return { tone: 'ok', text: 'Up to date' };
}
