import type { SyncErrorInfo, SyncStatus } from '../../../shared/sync-types.js';
import { nameList, type TrayFolder } from '../tray/folders-tray-model.js';
import { PROVIDERS } from '../../../shared/providers.js';

/**
 * Which desktop notifications to show, from successive statuses. Only what needs the user: a rejected
 * API key, new conflicts, a held mass deletion, files that are not synced (for any reason but a conflict). At most one per kind per
 * quiet period, summarising what piled up meanwhile (users of sync clients ask for one summary, not a
 * stream). A pure state machine with the clock passed in, so the throttling is tested without waiting.
 */

export type NotificationKind = 'auth' | 'conflict' | 'mass-deletion' | 'failed';

export interface DesktopNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  /** Where a click takes the user. */
  opens: 'main' | 'settings' | 'browse';
}

export const DEFAULT_QUIET_MS = 5 * 60 * 1000;

/** What piled up for one kind: the count over every folder, and which folders and remotes. */
interface Waiting {
  count: number;
  /** The folders it happened in (names), in the order they were noted. */
  folders: string[];
  /** The remotes' labels (for a rejected key). */
  remotes: string[];
  problem?: SyncErrorInfo;
}

export class NotificationPolicy {
  /** Each folder's last status, by folder id. */
  private readonly previous = new Map<string, SyncStatus>();
  /** The last observation had several folders: notifications then name them. */
  private several = false;
  private readonly lastShown = new Map<NotificationKind, number>();
  /** Counts that arrived during a quiet period, waiting for it to end. */
  private readonly pending = new Map<NotificationKind, Waiting>();

  constructor(
    private readonly options: { enabled: () => boolean; quietMs?: number } = { enabled: () => true },
  ) {}

  /** Feeds the latest status of the one folder; returns the notifications to show now. */
  observe(status: SyncStatus, now: number): DesktopNotification[] {
    return this.observeFolders([{ id: '', name: '', status, openError: null }], now);
  }

  /**
   * Feeds every folder's latest status; returns the notifications to show now, one per kind
   * summarised across the folders (issue 17: "3 files in conflict in Contracts and Notes", not one
   * popup per folder). A folder without a status (opening, or failed to open) adds nothing.
   */
  observeFolders(folders: readonly TrayFolder[], now: number): DesktopNotification[] {
    this.several = folders.length > 1;
    const present = new Set(folders.map((folder) => folder.id));
    for (const id of [...this.previous.keys()]) if (!present.has(id)) this.previous.delete(id);
    for (const folder of folders) {
      const status = folder.status;
      if (status === null) continue;
      const previous = this.previous.get(folder.id) ?? null;
      this.previous.set(folder.id, status);
      const note = (kind: NotificationKind, count: number, problem?: SyncErrorInfo): void =>
        this.note(kind, count, folder.name, PROVIDERS[status.provider].label, problem);
      if (previous === null) {
        // A folder's first status describes the past: only a rejected key is news worth a popup.
        if (status.state === 'auth-failed') note('auth', 1);
        continue;
      }
      if (status.state === 'auth-failed' && previous.state !== 'auth-failed') note('auth', 1);
      const newConflicts = status.counts.conflict - previous.counts.conflict;
      if (newConflicts > 0) note('conflict', newConflicts);
      const newFailures = notSyncedBesidesConflicts(status) - notSyncedBesidesConflicts(previous);
      if (newFailures > 0) note('failed', newFailures);
      const held = massDeletion(status);
      if (held !== undefined && massDeletion(previous) === undefined) note('mass-deletion', 1, held);
    }
    return this.due(now);
  }

  /** Notifications whose quiet period has ended since the last status (main polls with nextDueAt). */
  due(now: number): DesktopNotification[] {
    const shown: DesktopNotification[] = [];
    const quietMs = this.options.quietMs ?? DEFAULT_QUIET_MS;
    for (const [kind, waiting] of [...this.pending]) {
      const last = this.lastShown.get(kind);
      if (last !== undefined && now - last < quietMs) continue;
      this.pending.delete(kind);
      // Turned off: the counts are dropped, not saved up for when notifications come back on.
      if (!this.options.enabled()) continue;
      this.lastShown.set(kind, now);
      shown.push(describe(kind, waiting, this.several));
    }
    return shown;
  }

  /** When a waiting notification may be shown, or null if none waits. */
  nextDueAt(): number | null {
    const quietMs = this.options.quietMs ?? DEFAULT_QUIET_MS;
    let next: number | null = null;
    for (const kind of this.pending.keys()) {
      const at = (this.lastShown.get(kind) ?? 0) + quietMs;
      if (next === null || at < next) next = at;
    }
    return next;
  }

  private note(
    kind: NotificationKind,
    count: number,
    folder: string,
    remote: string,
    problem?: SyncErrorInfo,
  ): void {
    const waiting = this.pending.get(kind);
    const add = (list: string[] | undefined, item: string): string[] =>
      list?.includes(item) === true ? list : [...(list ?? []), item];
    this.pending.set(kind, {
      count: (waiting?.count ?? 0) + count,
      folders: add(waiting?.folders, folder),
      remotes: add(waiting?.remotes, remote),
      ...(problem === undefined ? {} : { problem }),
    });
  }
}

/**
 * Files not synced for a reason other than a conflict (which has its own notification), by the one
 * definition the headline and the tray use (engine/not-synced.ts): an unreadable file, a name that
 * is not UTF-8 or a file the remote could not read counts, not only an upload that failed.
 */
function notSyncedBesidesConflicts(status: SyncStatus): number {
  return Math.max(0, status.notSynced.needsAttention - status.counts.conflict);
}

function massDeletion(status: SyncStatus): SyncErrorInfo | undefined {
  // By its id only: the words are for people and may change (issue 17).
  return status.problems.find((problem) => problem.id === 'mass-deletion');
}

function describe(kind: NotificationKind, waiting: Waiting, several: boolean): DesktopNotification {
  const files = (n: number): string => (n === 1 ? '1 file' : `${n} files`);
  const { count, problem } = waiting;
  // With one folder the words stay as they were; with several, they say which folders.
  const where = several ? nameList(waiting.folders) : null;
  switch (kind) {
    case 'auth': {
      const remote = waiting.remotes.length === 1 ? waiting.remotes[0] : 'The remotes';
      return {
        kind,
        title: `${remote} rejected the API key`,
        body:
          where === null
            ? 'Syncing has stopped. Update the key in Hoist’s settings.'
            : `Syncing ${where} has stopped. Update the key in Hoist’s settings.`,
        opens: 'settings',
      };
    }
    case 'conflict':
      return {
        kind,
        title: `${files(count)} in conflict${where === null ? '' : ` in ${where}`}`,
        body: 'Two local files would get the same name on the remote. Open Hoist to see which.',
        opens: 'main',
      };
    case 'failed':
      return {
        kind,
        title: `${files(count)} could not be synced${where === null ? '' : ` in ${where}`}`,
        body: 'Open Hoist to see why and retry.',
        opens: 'main',
      };
    case 'mass-deletion':
      return {
        kind,
        title: `Hoist held back a mass deletion${where === null ? '' : ` in ${where}`}`,
        body:
          waiting.folders.length === 1 && problem !== undefined
            ? problem.message
            : 'Many files disappeared from the folder at once; their remote copies were kept.',
        opens: 'browse',
      };
  }
}
