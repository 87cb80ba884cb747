import type { SyncStatus } from '../../../shared/sync-types.js';
import { countFiles, restingHeadline } from '../../../shared/not-synced.js';
import { PROVIDERS } from '../../../shared/providers.js';
import type { PauseChoice } from '../../../shared/pause-choice.js';

/**
 * What the tray shows, as a pure function of the status: the icon, the tooltip and every menu item.
 * Electron only draws it (tray-menu.ts), so every state is unit-tested without a tray.
 */

export type TrayIconState = 'up-to-date' | 'syncing' | 'paused' | 'attention' | 'offline';

export type TrayAction =
  | 'sync-now'
  | `pause:${PauseChoice}`
  | 'resume'
  | 'open-folder'
  | 'open-hoist'
  | 'browse-remote'
  | 'settings'
  | 'quit';

export type TrayMenuItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  /** `folder`: the id of the folder it acts on (a folder's submenu); absent: the only one, or all. */
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean; folder?: string }
  | { kind: 'submenu'; label: string; enabled: boolean; items: TrayMenuItem[] };

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  /** The status line, first in the menu and in the tooltip. */
  status: string;
  items: TrayMenuItem[];
}

/** Whether the app core (the utility process) is there to ask. */
export type CoreState = 'running' | 'starting' | 'restarting' | 'failed';

export interface TrayInput {
  /** The sync status, or null while the app core has not reported one (or no folder is set up). */
  status: SyncStatus | null;
  /** When the pause ends (ms since the epoch); null for "until resumed" or not paused. */
  pausedUntil: number | null;
  core: CoreState;
  now: number;
  /** Hours and minutes in the user's locale; injected so tests do not depend on the machine's. */
  formatTime: (at: number) => string;
}

export function trayModel(input: TrayInput): TrayModel {
  const { icon, status } = headline(input);
  const sync = input.status;
  const running = input.core === 'running' && sync !== null;
  const paused = sync?.paused === true || sync?.state === 'paused';
  const attention = sync === null ? null : attentionLine(sync, false);
  const items: TrayMenuItem[] = [{ kind: 'label', label: status }];
  if (attention !== null && attention !== status) items.push({ kind: 'label', label: attention });
  items.push(
    { kind: 'separator' },
    {
      kind: 'action',
      action: 'sync-now',
      label: 'Sync now',
      enabled: running && !paused && sync.state !== 'stopped',
    },
    paused
      ? { kind: 'action', action: 'resume', label: 'Resume', enabled: running }
      : {
          kind: 'submenu',
          label: 'Pause',
          enabled: running && sync.state !== 'stopped',
          items: [
            { kind: 'action', action: 'pause:one-hour', label: 'For 1 hour', enabled: true },
            { kind: 'action', action: 'pause:until-tomorrow', label: 'Until tomorrow', enabled: true },
            { kind: 'action', action: 'pause:until-resumed', label: 'Until resumed', enabled: true },
          ],
        },
    { kind: 'separator' },
    {
      kind: 'action',
      action: 'open-folder',
      label: 'Open folder',
      enabled: sync !== null && sync.folder !== '',
    },
    // Linux trays differ on what a click does; the menu is the one dependable way back to the window.
    { kind: 'action', action: 'open-hoist', label: 'Open Hoist', enabled: true },
    { kind: 'action', action: 'browse-remote', label: 'Browse remote files…', enabled: true },
    { kind: 'action', action: 'settings', label: 'Settings…', enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Hoist', enabled: true },
  );
  const where = sync === null ? '' : `\n${sync.folder} → ${remoteName(sync)}`;
  return { icon, status, tooltip: `Hoist: ${status}${where}`, items };
}

function headline(input: TrayInput): { icon: TrayIconState; status: string } {
  if (input.core === 'failed') {
    return { icon: 'attention', status: 'Hoist’s sync process keeps stopping; see Hoist' };
  }
  if (input.core === 'restarting') {
    return { icon: 'attention', status: 'Hoist’s sync process stopped; restarting…' };
  }
  const sync = input.status;
  if (input.core === 'starting' || sync === null) {
    return { icon: 'syncing', status: input.core === 'starting' ? 'Starting…' : 'No folder is set up yet' };
  }
  const provider = PROVIDERS[sync.provider].label;
  if (sync.state === 'auth-failed') return { icon: 'attention', status: `${provider} rejected the API key` };
  if (sync.paused || sync.state === 'paused') return { icon: 'paused', status: pausedLine(input) };
  switch (sync.state) {
    case 'offline':
      return { icon: 'offline', status: `Offline: cannot reach ${provider}` };
    case 'stopped':
      return { icon: 'offline', status: 'Stopped' };
    case 'starting':
      return { icon: 'syncing', status: 'Starting…' };
    case 'scanning':
      return { icon: 'syncing', status: 'Looking for changes…' };
    case 'syncing':
      return { icon: 'syncing', status: syncingLine(sync) };
    case 'idle':
      break;
  }
  const attention = attentionLine(sync, true);
  return attention === null
    ? { icon: 'up-to-date', status: 'Up to date' }
    : { icon: 'attention', status: attention };
}

/** "Syncing 3 of 120 · 45%": files as people count them, the percentage by bytes (what takes time). */
function syncingLine(sync: SyncStatus): string {
  const { filesDone, filesTotal, bytesDone, bytesTotal } = sync.progress;
  if (filesTotal === 0) return 'Syncing…';
  const fraction = bytesTotal > 0 ? bytesDone / bytesTotal : filesDone / filesTotal;
  // Floor, so 99.6% never reads as 100% while files are still going.
  const percent = Math.min(99, Math.floor(fraction * 100));
  return `Syncing ${Math.min(filesDone, filesTotal)} of ${filesTotal} · ${percent}%`;
}

function pausedLine(input: TrayInput): string {
  const until = input.pausedUntil;
  if (until === null || until <= input.now) return 'Paused';
  const sameDay = new Date(until).toDateString() === new Date(input.now).toDateString();
  return `Paused until ${sameDay ? '' : 'tomorrow '}${input.formatTime(until)}`;
}

/**
 * What needs the user while sync otherwise runs: the first problem, or the files not synced, counted
 * as the window's headline counts them ("Up to date except 3 files", shared/not-synced.ts).
 */
function attentionLine(sync: SyncStatus, resting: boolean): string | null {
  const problem = sync.problems[0];
  if (problem !== undefined && sync.state !== 'auth-failed') return firstSentence(problem.message);
  if (sync.notSynced.needsAttention === 0) return null;
  // Resting, it is the headline; under "Syncing 3 of 9" it is a second line that must not say "Up to date".
  return resting
    ? restingHeadline(sync.notSynced)
    : `${countFiles(sync.notSynced.needsAttention)} not synced`;
}

/** A menu line is one short sentence; the rest ("Update it in Settings…") is in the window. */
function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end === -1 ? message : message.slice(0, end);
}

function remoteName(sync: SyncStatus): string {
  return sync.remoteLabel !== '' ? sync.remoteLabel : PROVIDERS[sync.provider].label;
}
