import { formatBytes } from '../../shared/format-bytes.js';
import type { PairSettings } from '../../shared/sync-types.js';

const WORDS: { [K in keyof PairSettings]: { name: string; value: (value: PairSettings[K]) => string } } = {
  mirrorDeletions: {
    name: 'delete remote copies of deleted files',
    value: (on) => (on ? 'on' : 'off'),
  },
  concurrency: { name: 'uploads at once', value: String },
  bandwidthLimit: {
    name: 'upload limit',
    value: (rate) => (rate === 0 ? 'unlimited' : `${formatBytes(rate)}/s`),
  },
  refreshIntervalSeconds: { name: 'remote refresh every', value: (seconds) => `${seconds} s` },
  remoteFolder: {
    name: 'folder on the remote',
    value: (folder) => (folder === '' ? 'the top' : `“${folder}”`),
  },
  multipartThreshold: { name: 'upload in parts from', value: formatBytes },
};

/**
 * The activity log's line for a settings change ("Settings changed: uploads at once 4 → 8"), or null
 * when nothing changed: the log says who changed what, so a slower sync or a new remote folder has a
 * visible cause.
 */
export function settingsChangeLine(before: PairSettings, after: PairSettings): string | null {
  const changes: string[] = [];
  for (const key of Object.keys(WORDS) as Array<keyof PairSettings>) {
    if (before[key] === after[key]) continue;
    const words = WORDS[key] as { name: string; value: (value: unknown) => string };
    changes.push(`${words.name} ${words.value(before[key])} → ${words.value(after[key])}`);
  }
  return changes.length === 0 ? null : `Settings changed: ${changes.join('; ')}`;
}
