import type { SyncErrorInfo, SyncStatus } from '../../../shared/sync-types.js';
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

export class NotificationPolicy {
  private previous: SyncStatus | null = null;
  private readonly lastShown = new Map<NotificationKind, number>();
  /** Counts that arrived during a quiet period, waiting for it to end. */
  private readonly pending = new Map<
    NotificationKind,
    { count: number; status: SyncStatus; problem?: SyncErrorInfo }
  >();

  constructor(
    private readonly options: { enabled: () => boolean; quietMs?: number } = { enabled: () => true },
  ) {}

  /** Feeds the latest status; returns the notifications to show now. */
  observe(status: SyncStatus, now: number): DesktopNotification[] {
    const previous = this.previous;
    this.previous = status;
    if (previous === null) {
      // The first status after a start describes the past: only a rejected key is news worth a popup.
      if (status.state === 'auth-failed') this.note('auth', 1, status);
    } else {
      if (status.state === 'auth-failed' && previous.state !== 'auth-failed') this.note('auth', 1, status);
      const newConflicts = status.counts.conflict - previous.counts.conflict;
      if (newConflicts > 0) this.note('conflict', newConflicts, status);
      const newFailures = notSyncedBesidesConflicts(status) - notSyncedBesidesConflicts(previous);
      if (newFailures > 0) this.note('failed', newFailures, status);
      const held = massDeletion(status);
      if (held !== undefined && massDeletion(previous) === undefined)
        this.note('mass-deletion', 1, status, held);
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
      shown.push(describe(kind, waiting.count, waiting.status, waiting.problem));
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

  private note(kind: NotificationKind, count: number, status: SyncStatus, problem?: SyncErrorInfo): void {
    const waiting = this.pending.get(kind);
    this.pending.set(kind, {
      count: (waiting?.count ?? 0) + count,
      status,
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

function describe(
  kind: NotificationKind,
  count: number,
  status: SyncStatus,
  problem?: SyncErrorInfo,
): DesktopNotification {
  const files = (n: number): string => (n === 1 ? '1 file' : `${n} files`);
  switch (kind) {
    case 'auth':
      return {
        kind,
        title: `${PROVIDERS[status.provider].label} rejected the API key`,
        body: 'Syncing has stopped. Update the key in Hoist’s settings.',
        opens: 'settings',
      };
    case 'conflict':
      return {
        kind,
        title: `${files(count)} in conflict`,
        body: 'Two local files would get the same name on the remote. Open Hoist to see which.',
        opens: 'main',
      };
    case 'failed':
      return {
        kind,
        title: `${files(count)} could not be synced`,
        body: 'Open Hoist to see why and retry.',
        opens: 'main',
      };
    case 'mass-deletion':
      return {
        kind,
        title: 'Hoist held back a mass deletion',
        body:
          problem?.message ??
          'Many files disappeared from the folder at once; their remote copies were kept.',
        opens: 'browse',
      };
  }
}
