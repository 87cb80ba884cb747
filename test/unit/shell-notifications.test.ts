import { describe, expect, it } from 'vitest';
import { NotificationPolicy } from '../../electron/main/notifications/notification-policy.js';
import type { SyncErrorInfo, SyncStatus } from '../../shared/sync-types.js';

const MINUTE = 60_000;

/** A status as the engine makes it: failed and conflicting files are among those not synced. */
function status(overrides: Partial<SyncStatus> = {}, counts: Partial<SyncStatus['counts']> = {}): SyncStatus {
  const needsAttention = (counts.failed ?? 0) + (counts.conflict ?? 0);
  return {
    state: 'idle',
    folder: '/home/ada/Documents',
    provider: 'alloy',
    remoteLabel: 'Alloy',
    counts: {
      total: 10,
      synced: 10,
      pending: 0,
      uploading: 0,
      failed: 0,
      conflict: 0,
      ignored: 0,
      deleted: 0,
      ...counts,
    },
    notSynced: { needsAttention, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    lastSyncAt: null,
    lastRemoteRefreshAt: null,
    problems: [],
    paused: false,
    pausedUntil: null,
    ...overrides,
  };
}

const AUTH = status({
  state: 'auth-failed',
  problems: [{ category: 'auth', message: 'Alloy rejected the API token (401).', retryable: false }],
});

describe('notification policy', () => {
  it('says nothing about ordinary progress', () => {
    const policy = new NotificationPolicy();
    expect(policy.observe(status({ state: 'syncing' }), 0)).toEqual([]);
    expect(policy.observe(status({ state: 'idle' }), 1000)).toEqual([]);
    expect(policy.observe(status({ state: 'offline' }), 2000)).toEqual([]);
  });

  it('an auth failure once, opening Settings; again only after the quiet period and a new failure', () => {
    const policy = new NotificationPolicy();
    policy.observe(status(), 0);
    expect(policy.observe(AUTH, 1000)).toEqual([
      {
        kind: 'auth',
        title: 'Alloy rejected the API key',
        body: 'Syncing has stopped. Update the key in Hoist’s settings.',
        opens: 'settings',
      },
    ]);
    expect(policy.observe(AUTH, 2000)).toEqual([]);
    policy.observe(status(), 3000);
    // Fixed and broken again within five minutes: held, then shown when the period ends.
    expect(policy.observe(AUTH, 4000)).toEqual([]);
    expect(policy.nextDueAt()).toBe(1000 + 5 * MINUTE);
    expect(policy.due(1000 + 5 * MINUTE)).toHaveLength(1);
    expect(policy.nextDueAt()).toBeNull();
  });

  it('an auth failure already there at start is shown; old conflicts and failures are not', () => {
    expect(new NotificationPolicy().observe(AUTH, 0).map((n) => n.kind)).toEqual(['auth']);
    expect(new NotificationPolicy().observe(status({}, { failed: 3, conflict: 2 }), 0)).toEqual([]);
  });

  it('summarises failures that pile up during the quiet period in one notification', () => {
    const policy = new NotificationPolicy();
    policy.observe(status(), 0);
    expect(policy.observe(status({}, { failed: 1 }), 1000)).toEqual([
      {
        kind: 'failed',
        title: '1 file could not be synced',
        body: 'Open Hoist to see why and retry.',
        opens: 'main',
      },
    ]);
    expect(policy.observe(status({}, { failed: 3 }), 2 * MINUTE)).toEqual([]);
    expect(policy.observe(status({}, { failed: 7 }), 3 * MINUTE)).toEqual([]);
    // Fewer failures (some retried fine) add nothing.
    expect(policy.observe(status({}, { failed: 5 }), 4 * MINUTE)).toEqual([]);
    expect(policy.observe(status({}, { failed: 5 }), 1000 + 5 * MINUTE).map((n) => n.title)).toEqual([
      '6 files could not be synced',
    ]);
  });

  it('conflicts and a held mass deletion have their own notifications and periods', () => {
    const policy = new NotificationPolicy();
    policy.observe(status(), 0);
    const massDeletion = status(
      {
        problems: [
          {
            id: 'mass-deletion',
            category: 'local-file',
            message:
              '900 of 1000 files disappeared from the folder at once. Hoist did not delete their remote copies.',
            retryable: false,
          },
        ],
      },
      { conflict: 2 },
    );
    const shown = policy.observe(massDeletion, 1000);
    expect(shown.map((n) => [n.kind, n.title, n.opens])).toEqual([
      ['conflict', '2 files in conflict', 'main'],
      ['mass-deletion', 'Hoist held back a mass deletion', 'browse'],
    ]);
    expect(shown[1]!.body).toContain('900 of 1000 files disappeared');
    expect(policy.observe(massDeletion, 2000)).toEqual([]);
  });

  it('recognises a mass deletion by its problem id, never by its words', () => {
    const policy = new NotificationPolicy();
    policy.observe(status(), 0);
    const held: SyncErrorInfo = {
      id: 'mass-deletion',
      category: 'local-file',
      message: 'Held.',
      retryable: false,
    };
    expect(policy.observe(status({ problems: [held] }), 1).map((n) => n.kind)).toEqual(['mass-deletion']);

    // Another problem that happens to use the words (or one reworded) is not a mass deletion.
    const other = new NotificationPolicy();
    other.observe(status(), 0);
    const lookalikes: SyncErrorInfo[] = [
      {
        id: 'remote',
        category: 'remote-rejected',
        message: 'The remote says 900 files disappeared from the folder at once.',
        retryable: true,
      },
      { category: 'local-file', message: '9 files disappeared from the folder at once.', retryable: false },
    ];
    expect(other.observe(status({ problems: lookalikes }), 1)).toEqual([]);
    // The ids are a closed set: a misspelt one is a compile error, not a match that never happens.
    // @ts-expect-error 'mass-deletions' is no ProblemId
    const misspelt: SyncErrorInfo['id'] = 'mass-deletions';
    expect(misspelt).not.toBe(held.id);
  });

  it('counts every file not synced, not only failed uploads: a name that is not UTF-8 notifies too', () => {
    const policy = new NotificationPolicy();
    policy.observe(status(), 0);
    const badName = status({
      notSynced: { needsAttention: 1, onPurpose: 0, notTracked: 1, uploadedButUnusable: 0 },
    });
    expect(policy.observe(badName, 1000).map((n) => n.title)).toEqual(['1 file could not be synced']);
    // Files skipped on purpose (links, special files) are not news.
    const skipped = status({
      notSynced: { needsAttention: 1, onPurpose: 4, notTracked: 1, uploadedButUnusable: 0 },
    });
    expect(policy.observe(skipped, 10 * MINUTE)).toEqual([]);
  });

  it('turned off, it shows nothing and does not save counts up for later', () => {
    let enabled = false;
    const policy = new NotificationPolicy({ enabled: () => enabled });
    policy.observe(status(), 0);
    expect(policy.observe(AUTH, 1000)).toEqual([]);
    expect(policy.observe(status({}, { failed: 4 }), 2000)).toEqual([]);
    enabled = true;
    expect(policy.due(10 * MINUTE)).toEqual([]);
    expect(policy.observe(status({}, { failed: 5 }), 11 * MINUTE).map((n) => n.title)).toEqual([
      '1 file could not be synced',
    ]);
  });
});
