import type { SyncStatus } from '../../../shared/sync-types.js';
import { countFiles } from '../../../shared/not-synced.js';
import { PROVIDERS } from '../../../shared/providers.js';
import {
  trayModel,
  type CoreState,
  type TrayIconState,
  type TrayMenuItem,
  type TrayModel,
} from './tray-model.js';

/**
 * The tray over every configured folder (issue 17): one status line and icon summarising them all
 * ("Syncing 2 folders · 45%", "Needs attention: Contracts"), and a submenu per folder with its own
 * line, Open folder, Pause/Resume and Sync now. Pure, like tray-model.ts, which it keeps for exactly
 * one open folder: that menu (and everything people and tests know of it) stays as it was.
 */

/** One configured folder as the tray sees it (the bridge's overview.get rows). */
export interface TrayFolder {
  /** The folder's id (its pair id): what per-folder actions name. */
  id: string;
  /** Its basename, as people call it. */
  name: string;
  /** Null while it opens, or when it could not (then `openError` says why). */
  status: SyncStatus | null;
  /** Why it could not be opened, in words; null when it is open. */
  openError: string | null;
}

export interface FoldersTrayInput {
  folders: readonly TrayFolder[];
  core: CoreState;
  now: number;
  /** Hours and minutes in the user's locale; injected so tests do not depend on the machine's. */
  formatTime: (at: number) => string;
}

/** A folder needs the person: it did not open, its token was rejected, a problem, files not synced. */
export function needsAttention(folder: TrayFolder): boolean {
  const status = folder.status;
  if (folder.openError !== null) return true;
  if (status === null) return false;
  return status.state === 'auth-failed' || status.problems.length > 0 || status.notSynced.needsAttention > 0;
}

function isPaused(status: SyncStatus): boolean {
  return status.paused || status.state === 'paused';
}

function isBusy(status: SyncStatus): boolean {
  return status.state === 'syncing' || status.state === 'scanning' || status.state === 'starting';
}

/** "Contracts", "Contracts and Notes", "Contracts, Notes and 3 more": a menu line stays short. */
export function nameList(names: readonly string[]): string {
  if (names.length <= 2) return names.join(' and ');
  const rest = names.length - 2;
  return `${names.slice(0, 2).join(', ')} and ${rest} more`;
}

/** Percent done by bytes (what takes time), floored so 99.6% never reads as 100% while files go. */
function percentOf(statuses: readonly SyncStatus[]): number | null {
  let done = 0;
  let total = 0;
  let filesDone = 0;
  let filesTotal = 0;
  for (const status of statuses) {
    done += status.progress.bytesDone;
    total += status.progress.bytesTotal;
    filesDone += Math.min(status.progress.filesDone, status.progress.filesTotal);
    filesTotal += status.progress.filesTotal;
  }
  if (filesTotal === 0) return null;
  const fraction = total > 0 ? done / total : filesDone / filesTotal;
  return Math.min(99, Math.floor(fraction * 100));
}

function pausedWords(status: SyncStatus, input: Pick<FoldersTrayInput, 'now' | 'formatTime'>): string {
  const until = status.pausedUntil;
  if (until === null || until <= input.now) return 'Paused';
  const sameDay = new Date(until).toDateString() === new Date(input.now).toDateString();
  return `Paused until ${sameDay ? '' : 'tomorrow '}${input.formatTime(until)}`;
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end === -1 ? message : message.slice(0, end);
}

/** One folder's own line, in its submenu and after its name: what it is doing or what it needs. */
export function folderLine(folder: TrayFolder, input: Pick<FoldersTrayInput, 'now' | 'formatTime'>): string {
  if (folder.openError !== null) return `Not syncing: ${firstSentence(folder.openError)}`;
  const status = folder.status;
  if (status === null) return 'Opening…';
  if (status.state === 'auth-failed') return `${PROVIDERS[status.provider].label} rejected the API key`;
  if (isPaused(status)) return pausedWords(status, input);
  const problem = status.problems[0];
  if (problem !== undefined) return firstSentence(problem.message);
  switch (status.state) {
    case 'offline':
      return `Offline: cannot reach ${PROVIDERS[status.provider].label}`;
    case 'stopped':
      return 'Stopped';
    case 'starting':
      return 'Starting…';
    case 'scanning':
      return 'Looking for changes…';
    case 'syncing': {
      const percent = percentOf([status]);
      return percent === null ? 'Syncing…' : `Syncing · ${percent}%`;
    }
    case 'idle':
      break;
  }
  if (status.notSynced.needsAttention > 0) return `${countFiles(status.notSynced.needsAttention)} not synced`;
  return 'Up to date';
}

/**
 * The summary over all folders: attention first (a folder that needs the person is what the tray is
 * for), then what is moving, then offline, paused and up to date. `detail` is a second line when the
 * first hides something still going on (a sync under "Needs attention").
 */
export function foldersSummary(input: FoldersTrayInput): {
  icon: TrayIconState;
  status: string;
  detail: string | null;
} {
  const { folders } = input;
  if (folders.length === 0) return { icon: 'syncing', status: 'No folder is set up yet', detail: null };
  const open = folders.flatMap((folder) => (folder.status === null ? [] : [folder.status]));
  const busy = open.filter((status) => isBusy(status) && !isPaused(status));
  const busyLine = busy.length === 0 ? null : syncingLine(busy, folders);
  const attention = folders.filter(needsAttention);
  if (attention.length > 0) {
    return {
      icon: 'attention',
      status: `Needs attention: ${nameList(attention.map((folder) => folder.name))}`,
      detail: busyLine,
    };
  }
  if (busyLine !== null) return { icon: 'syncing', status: busyLine, detail: null };
  if (open.length < folders.length) return { icon: 'syncing', status: 'Starting…', detail: null };
  const offline = folders.filter((folder) => folder.status?.state === 'offline' && !isPaused(folder.status));
  if (offline.length > 0) {
    return { icon: 'offline', status: `Offline: ${nameList(offline.map((f) => f.name))}`, detail: null };
  }
  const stopped = folders.filter((folder) => folder.status?.state === 'stopped');
  if (stopped.length > 0) {
    return { icon: 'offline', status: `Stopped: ${nameList(stopped.map((f) => f.name))}`, detail: null };
  }
  const paused = open.filter(isPaused);
  if (paused.length === open.length) {
    return {
      icon: 'paused',
      status:
        paused.length === 1
          ? pausedWords(paused[0] as SyncStatus, input)
          : `All ${paused.length} folders paused`,
      detail: null,
    };
  }
  if (paused.length > 0) {
    return { icon: 'up-to-date', status: `Up to date · ${countFolders(paused.length)} paused`, detail: null };
  }
  return { icon: 'up-to-date', status: 'Up to date', detail: null };
}

function countFolders(n: number): string {
  return n === 1 ? '1 folder' : `${n} folders`;
}

function syncingLine(busy: readonly SyncStatus[], folders: readonly TrayFolder[]): string {
  const percent = percentOf(busy);
  const what =
    busy.length === 1
      ? (folders.find((folder) => folder.status === busy[0])?.name ?? '1 folder')
      : countFolders(busy.length);
  return percent === null ? `Syncing ${what}…` : `Syncing ${what} · ${percent}%`;
}

/**
 * The tray for every configured folder. Exactly one folder that is open: tray-model.ts's menu, as
 * before. Otherwise the summary, actions for all folders, and a submenu per folder.
 */
export function foldersTrayModel(input: FoldersTrayInput): TrayModel {
  const only = input.folders.length === 1 ? input.folders[0] : undefined;
  if (
    input.core !== 'running' ||
    input.folders.length === 0 ||
    (only !== undefined && only.openError === null)
  ) {
    return trayModel({
      status: only?.status ?? null,
      pausedUntil: only?.status?.pausedUntil ?? null,
      core: input.core,
      now: input.now,
      formatTime: input.formatTime,
    });
  }
  const { icon, status, detail } = foldersSummary(input);
  const open = input.folders.filter((folder) => folder.status !== null);
  const allPaused = open.length > 0 && open.every((folder) => isPaused(folder.status as SyncStatus));
  const items: TrayMenuItem[] = [{ kind: 'label', label: status }];
  if (detail !== null) items.push({ kind: 'label', label: detail });
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'sync-now', label: 'Sync all now', enabled: open.length > 0 && !allPaused },
    allPaused
      ? { kind: 'action', action: 'resume', label: 'Resume all', enabled: true }
      : {
          kind: 'submenu',
          label: 'Pause all',
          enabled: open.length > 0,
          items: PAUSE_CHOICES.map((choice) => ({ ...choice, enabled: true })),
        },
    { kind: 'separator' },
    ...input.folders.map((folder) => folderMenu(folder, input)),
    { kind: 'separator' },
    { kind: 'action', action: 'open-hoist', label: 'Open Hoist', enabled: true },
    { kind: 'action', action: 'browse-remote', label: 'Browse remote files…', enabled: true },
    { kind: 'action', action: 'settings', label: 'Settings…', enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Hoist', enabled: true },
  );
  return { icon, status, tooltip: `Hoist: ${status}${detail === null ? '' : `\n${detail}`}`, items };
}

const PAUSE_CHOICES = [
  { kind: 'action', action: 'pause:one-hour', label: 'For 1 hour' },
  { kind: 'action', action: 'pause:until-tomorrow', label: 'Until tomorrow' },
  { kind: 'action', action: 'pause:until-resumed', label: 'Until resumed' },
] as const;

/** "Contracts — Syncing · 45%" ▸ its line, Open folder, Pause ▸ / Resume, Sync now. */
function folderMenu(folder: TrayFolder, input: FoldersTrayInput): TrayMenuItem {
  const line = folderLine(folder, input);
  const status = folder.status;
  const running = status !== null && status.state !== 'stopped';
  const paused = status !== null && isPaused(status);
  const id = folder.id;
  return {
    kind: 'submenu',
    label: `${folder.name} — ${line}`,
    enabled: true,
    items: [
      { kind: 'label', label: line },
      { kind: 'separator' },
      { kind: 'action', action: 'open-folder', label: 'Open folder', enabled: true, folder: id },
      paused
        ? { kind: 'action', action: 'resume', label: 'Resume', enabled: running, folder: id }
        : {
            kind: 'submenu',
            label: 'Pause',
            enabled: running,
            items: PAUSE_CHOICES.map((choice) => ({ ...choice, enabled: true, folder: id })),
          },
      { kind: 'action', action: 'sync-now', label: 'Sync now', enabled: running && !paused, folder: id },
    ],
  };
}
