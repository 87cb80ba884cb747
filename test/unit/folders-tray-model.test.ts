import { describe, expect, it } from 'vitest';
import {
  folderLine,
  foldersSummary,
  foldersTrayModel,
  nameList,
  type FoldersTrayInput,
  type TrayFolder,
} from '../../electron/main/tray/folders-tray-model.js';
import { trayModel, type TrayMenuItem } from '../../electron/main/tray/tray-model.js';
import { NotificationPolicy } from '../../electron/main/notifications/notification-policy.js';
import type { SyncStatus } from '../../shared/sync-types.js';

// The tray and notifications over several folders (issue 17), as pure functions of the folder list.

const NOW = new Date(2026, 11, 3, 13, 0, 0).getTime();
const formatTime = (at: number): string => {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
};

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    folder: '/home/ada/Notes',
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
    },
    notSynced: { needsAttention: 0, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    lastSyncAt: NOW - 60_000,
    lastRemoteRefreshAt: NOW - 60_000,
    problems: [],
    paused: false,
    pausedUntil: null,
    ...overrides,
  };
}

function folder(
  name: string,
  state: Partial<SyncStatus> | null,
  openError: string | null = null,
): TrayFolder {
  return { id: `id-${name}`, name, status: state === null ? null : status(state), openError };
}

const syncing = (bytesDone: number, bytesTotal: number): Partial<SyncStatus> => ({
  state: 'syncing',
  progress: { filesDone: 1, filesTotal: 4, bytesDone, bytesTotal, rate: 0, etaSeconds: null },
});

const input = (folders: TrayFolder[], overrides: Partial<FoldersTrayInput> = {}): FoldersTrayInput => ({
  folders,
  core: 'running',
  now: NOW,
  formatTime,
  ...overrides,
});

function lines(items: TrayMenuItem[], indent = ''): string[] {
  return items.flatMap((item) => {
    switch (item.kind) {
      case 'label':
        return [`${indent}[${item.label}]`];
      case 'separator':
        return [`${indent}---`];
      case 'action':
        return [
          `${indent}${item.label}${item.enabled ? '' : ' (disabled)'} -> ${item.action}${item.folder === undefined ? '' : ` @${item.folder}`}`,
        ];
      case 'submenu':
        return [
          `${indent}${item.label} ▸${item.enabled ? '' : ' (disabled)'}`,
          ...lines(item.items, `${indent}  `),
        ];
    }
  });
}

describe('the tray over several folders: one status line and icon', () => {
  it('says how many folders sync and how far, by bytes across them', () => {
    const summary = foldersSummary(
      input([
        folder('Notes', syncing(300, 1000)),
        folder('Contracts', syncing(600, 1000)),
        folder('Photos', {}),
      ]),
    );
    expect(summary).toEqual({ icon: 'syncing', status: 'Syncing 2 folders · 45%', detail: null });
    expect(foldersSummary(input([folder('Notes', syncing(999, 1000)), folder('Photos', {})])).status).toBe(
      'Syncing Notes · 99%',
    );
  });

  it('puts what needs attention first, by folder name, and keeps the sync as a second line', () => {
    const summary = foldersSummary(
      input([
        folder('Notes', syncing(450, 1000)),
        folder('Contracts', {
          notSynced: { needsAttention: 2, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
        }),
      ]),
    );
    expect(summary).toEqual({
      icon: 'attention',
      status: 'Needs attention: Contracts',
      detail: 'Syncing Notes · 45%',
    });
    const many = foldersSummary(
      input([
        folder('A', { state: 'auth-failed' }),
        folder('B', null, 'The folder /b is missing.'),
        folder('C', { problems: [{ id: 'watch', category: 'local-file', message: 'x', retryable: true }] }),
        folder('D', {}),
      ]),
    );
    expect(many.status).toBe('Needs attention: A, B and 1 more');
  });

  it('up to date, paused, offline and starting, across the folders', () => {
    expect(foldersSummary(input([folder('A', {}), folder('B', {})]))).toEqual({
      icon: 'up-to-date',
      status: 'Up to date',
      detail: null,
    });
    expect(foldersSummary(input([folder('A', { paused: true }), folder('B', {})])).status).toBe(
      'Up to date · 1 folder paused',
    );
    expect(
      foldersSummary(input([folder('A', { paused: true }), folder('B', { state: 'paused' })])),
    ).toMatchObject({
      icon: 'paused',
      status: 'All 2 folders paused',
    });
    expect(foldersSummary(input([folder('A', { state: 'offline' }), folder('B', {})]))).toMatchObject({
      icon: 'offline',
      status: 'Offline: A',
    });
    expect(foldersSummary(input([folder('A', null), folder('B', {})])).status).toBe('Starting…');
    expect(foldersSummary(input([])).status).toBe('No folder is set up yet');
  });

  it('words each folder’s own line', () => {
    const at = { now: NOW, formatTime };
    expect(folderLine(folder('A', syncing(450, 1000)), at)).toBe('Syncing · 45%');
    expect(folderLine(folder('A', { pausedUntil: NOW + 3_600_000, paused: true }), at)).toBe(
      'Paused until 14:00',
    );
    expect(folderLine(folder('A', null, 'Add the API token in Settings to start syncing. Then…'), at)).toBe(
      'Not syncing: Add the API token in Settings to start syncing',
    );
    expect(folderLine(folder('A', { provider: 'openwebui', state: 'auth-failed' }), at)).toBe(
      'Open WebUI rejected the API key',
    );
    expect(nameList(['A'])).toBe('A');
    expect(nameList(['A', 'B'])).toBe('A and B');
  });
});

describe('the tray menu over several folders', () => {
  it('has actions for all folders and a submenu per folder that names it', () => {
    const model = foldersTrayModel(
      input([
        folder('Notes', syncing(450, 1000)),
        folder('Contracts', { paused: true }),
        folder('Old', null, 'Gone.'),
      ]),
    );
    expect(model.icon).toBe('attention');
    expect(model.tooltip).toBe('Hoist: Needs attention: Old\nSyncing Notes · 45%');
    expect(lines(model.items)).toEqual([
      '[Needs attention: Old]',
      '[Syncing Notes · 45%]',
      '---',
      'Sync all now -> sync-now',
      'Pause all ▸',
      '  For 1 hour -> pause:one-hour',
      '  Until tomorrow -> pause:until-tomorrow',
      '  Until resumed -> pause:until-resumed',
      '---',
      'Notes — Syncing · 45% ▸',
      '  [Syncing · 45%]',
      '  ---',
      '  Open folder -> open-folder @id-Notes',
      '  Pause ▸',
      '    For 1 hour -> pause:one-hour @id-Notes',
      '    Until tomorrow -> pause:until-tomorrow @id-Notes',
      '    Until resumed -> pause:until-resumed @id-Notes',
      '  Sync now -> sync-now @id-Notes',
      'Contracts — Paused ▸',
      '  [Paused]',
      '  ---',
      '  Open folder -> open-folder @id-Contracts',
      '  Resume -> resume @id-Contracts',
      '  Sync now (disabled) -> sync-now @id-Contracts',
      'Old — Not syncing: Gone ▸',
      '  [Not syncing: Gone]',
      '  ---',
      '  Open folder -> open-folder @id-Old',
      '  Pause ▸ (disabled)',
      '    For 1 hour -> pause:one-hour @id-Old',
      '    Until tomorrow -> pause:until-tomorrow @id-Old',
      '    Until resumed -> pause:until-resumed @id-Old',
      '  Sync now (disabled) -> sync-now @id-Old',
      '---',
      'Open Hoist -> open-hoist',
      'Browse remote files… -> browse-remote',
      'Settings… -> settings',
      '---',
      'Quit Hoist -> quit',
    ]);
  });

  it('offers Resume all when every folder is paused', () => {
    const model = foldersTrayModel(input([folder('A', { paused: true }), folder('B', { paused: true })]));
    expect(lines(model.items).slice(0, 4)).toEqual([
      '[All 2 folders paused]',
      '---',
      'Sync all now (disabled) -> sync-now',
      'Resume all -> resume',
    ]);
  });

  it('with exactly one open folder, is the single-folder tray as before', () => {
    const only = folder('Notes', syncing(450, 1000));
    expect(foldersTrayModel(input([only]))).toEqual(
      trayModel({ status: only.status, pausedUntil: null, core: 'running', now: NOW, formatTime }),
    );
    expect(foldersTrayModel(input([], { core: 'starting' })).status).toBe('Starting…');
  });
});

describe('notifications across folders', () => {
  it('one notification per kind, counting every folder and naming them', () => {
    const policy = new NotificationPolicy();
    const a = folder('Notes', {});
    const b = folder('Contracts', { provider: 'openwebui' });
    policy.observeFolders([a, b], 0);
    const conflicts = (n: number): Partial<SyncStatus> => ({
      counts: {
        total: 10,
        synced: 10 - n,
        pending: 0,
        uploading: 0,
        failed: 0,
        conflict: n,
        ignored: 0,
        deleted: 0,
      },
      notSynced: { needsAttention: n, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    });
    const shown = policy.observeFolders(
      [
        folder('Notes', conflicts(2)),
        folder('Contracts', { ...conflicts(1), provider: 'openwebui', state: 'auth-failed' }),
      ],
      1000,
    );
    expect(shown.map((n) => [n.kind, n.title, n.body])).toEqual([
      [
        'conflict',
        '3 files in conflict in Notes and Contracts',
        'Two local files would get the same name on the remote. Open Hoist to see which.',
      ],
      [
        'auth',
        'Open WebUI rejected the API key',
        'Syncing Contracts has stopped. Update the key in Hoist’s settings.',
      ],
    ]);
    // Within the quiet period, more of the same piles up into the next summary.
    expect(
      policy.observeFolders([folder('Notes', conflicts(4)), folder('Contracts', conflicts(1))], 2000),
    ).toEqual([]);
    expect(policy.due(1000 + 5 * 60_000).map((n) => n.title)).toEqual(['2 files in conflict in Notes']);
  });

  it('a held mass deletion names its folder, matched by id', () => {
    const policy = new NotificationPolicy();
    policy.observeFolders([folder('Notes', {}), folder('Contracts', {})], 0);
    const held = {
      id: 'mass-deletion' as const,
      category: 'local-file' as const,
      message: '900 files went.',
      retryable: false,
    };
    const shown = policy.observeFolders([folder('Notes', {}), folder('Contracts', { problems: [held] })], 1);
    expect(shown).toEqual([
      {
        kind: 'mass-deletion',
        title: 'Hoist held back a mass deletion in Contracts',
        body: '900 files went.',
        opens: 'browse',
      },
    ]);
  });

  it('a folder first seen (added or opened later) tells only a rejected key, as at start', () => {
    const policy = new NotificationPolicy();
    policy.observeFolders([folder('Notes', {})], 0);
    const later = policy.observeFolders(
      [
        folder('Notes', {}),
        folder('Contracts', {
          notSynced: { needsAttention: 5, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
        }),
      ],
      1,
    );
    expect(later).toEqual([]);
  });
});
