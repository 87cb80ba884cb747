import { describe, expect, it } from 'vitest';
import { pauseEndsAt } from '../../shared/pause-choice.js';
import { trayModel, type TrayInput, type TrayMenuItem } from '../../electron/main/tray/tray-model.js';
import type { EngineState, SyncStatus } from '../../shared/sync-types.js';

const NOW = new Date(2026, 11, 3, 13, 0, 0).getTime();
const formatTime = (at: number): string => {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
};

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'idle',
    folder: '/home/ada/Documents',
    provider: 'alloy',
    remoteLabel: 'Alloy (ada)',
    counts: {
      total: 120,
      synced: 120,
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

const input = (overrides: Partial<TrayInput> = {}): TrayInput => ({
  status: status(),
  pausedUntil: null,
  core: 'running',
  now: NOW,
  formatTime,
  ...overrides,
});

/** The menu as lines, so a whole menu reads as one expectation. */
function lines(items: TrayMenuItem[], indent = ''): string[] {
  return items.flatMap((item) => {
    switch (item.kind) {
      case 'label':
        return [`${indent}[${item.label}]`];
      case 'separator':
        return [`${indent}---`];
      case 'action':
        return [`${indent}${item.label}${item.enabled ? '' : ' (disabled)'} -> ${item.action}`];
      case 'submenu':
        return [
          `${indent}${item.label} ▸${item.enabled ? '' : ' (disabled)'}`,
          ...lines(item.items, `${indent}  `),
        ];
    }
  });
}

const COMMON_TAIL = [
  '---',
  'Open folder -> open-folder',
  'Open Hoist -> open-hoist',
  'Browse remote files… -> browse-remote',
  'Settings… -> settings',
  '---',
  'Quit Hoist -> quit',
];
const PAUSE_MENU = [
  'Pause ▸',
  '  For 1 hour -> pause:one-hour',
  '  Until tomorrow -> pause:until-tomorrow',
  '  Until resumed -> pause:until-resumed',
];

describe('tray model', () => {
  it('up to date: the check icon, the status line, every action', () => {
    const model = trayModel(input());
    expect(model.icon).toBe('up-to-date');
    expect(model.tooltip).toBe('Hoist: Up to date\n/home/ada/Documents → Alloy (ada)');
    expect(lines(model.items)).toEqual([
      '[Up to date]',
      '---',
      'Sync now -> sync-now',
      ...PAUSE_MENU,
      ...COMMON_TAIL,
    ]);
  });

  it('syncing: files done of total and the percentage by bytes', () => {
    const model = trayModel(
      input({
        status: status({
          state: 'syncing',
          progress: {
            filesDone: 3,
            filesTotal: 120,
            bytesDone: 450,
            bytesTotal: 1000,
            rate: 10,
            etaSeconds: 55,
          },
        }),
      }),
    );
    expect(model.icon).toBe('syncing');
    expect(model.status).toBe('Syncing 3 of 120 · 45%');
    expect(lines(model.items).slice(0, 3)).toEqual([
      '[Syncing 3 of 120 · 45%]',
      '---',
      'Sync now -> sync-now',
    ]);
  });

  it('syncing never reads 100% while files are left, and counts files when sizes are unknown', () => {
    const almost = status({
      state: 'syncing',
      progress: { filesDone: 119, filesTotal: 120, bytesDone: 999, bytesTotal: 1000, rate: 1, etaSeconds: 1 },
    });
    expect(trayModel(input({ status: almost })).status).toBe('Syncing 119 of 120 · 99%');
    const noBytes = status({
      state: 'syncing',
      progress: { filesDone: 1, filesTotal: 4, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    });
    expect(trayModel(input({ status: noBytes })).status).toBe('Syncing 1 of 4 · 25%');
    const empty = status({ state: 'syncing' });
    expect(trayModel(input({ status: empty })).status).toBe('Syncing…');
  });

  it('scanning and starting show the syncing icon', () => {
    for (const [state, line] of [
      ['scanning', 'Looking for changes…'],
      ['starting', 'Starting…'],
    ] as const) {
      const model = trayModel(input({ status: status({ state }) }));
      expect([model.icon, model.status]).toEqual(['syncing', line]);
    }
  });

  it('paused until a time today, tomorrow, or until resumed: Resume replaces Pause, Sync now is off', () => {
    const paused = status({ state: 'paused', paused: true });
    const today = trayModel(input({ status: paused, pausedUntil: new Date(2026, 11, 3, 15, 0).getTime() }));
    expect(today.icon).toBe('paused');
    expect(today.status).toBe('Paused until 15:00');
    expect(lines(today.items)).toEqual([
      '[Paused until 15:00]',
      '---',
      'Sync now (disabled) -> sync-now',
      'Resume -> resume',
      ...COMMON_TAIL,
    ]);
    const tomorrow = trayModel(input({ status: paused, pausedUntil: pauseEndsAt('until-tomorrow', NOW) }));
    expect(tomorrow.status).toBe('Paused until tomorrow 08:00');
    expect(trayModel(input({ status: paused, pausedUntil: null })).status).toBe('Paused');
    // A pause whose end has passed but whose status has not caught up yet does not show a past time.
    expect(trayModel(input({ status: paused, pausedUntil: NOW - 1 })).status).toBe('Paused');
  });

  it('auth failure: attention, and the provider named', () => {
    const model = trayModel(
      input({
        status: status({
          state: 'auth-failed',
          problems: [
            {
              category: 'auth',
              message: 'Alloy rejected the API token (401). Update it in Settings.',
              retryable: false,
            },
          ],
        }),
      }),
    );
    expect([model.icon, model.status]).toEqual(['attention', 'Alloy rejected the API key']);
    expect(lines(model.items).slice(0, 2)).toEqual(['[Alloy rejected the API key]', '---']);
  });

  it('offline and stopped show the offline icon', () => {
    const offline = trayModel(input({ status: status({ state: 'offline', provider: 'openwebui' }) }));
    expect([offline.icon, offline.status]).toEqual(['offline', 'Offline: cannot reach Open WebUI']);
    const stopped = trayModel(input({ status: status({ state: 'stopped' }) }));
    expect([stopped.icon, stopped.status]).toEqual(['offline', 'Stopped']);
    expect(lines(stopped.items)).toContain('Sync now (disabled) -> sync-now');
    expect(lines(stopped.items)).toContain('Pause ▸ (disabled)');
  });

  it('idle with files not synced or a problem: attention with the headline’s count or the first sentence', () => {
    // The count is the window's (shared/not-synced.ts), bad names and conflicts included; what was
    // skipped on purpose (links, special files) is not a problem.
    const failed = status({
      notSynced: { needsAttention: 3, onPurpose: 2, notTracked: 0, uploadedButUnusable: 0 },
    });
    expect(trayModel(input({ status: failed }))).toMatchObject({
      icon: 'attention',
      status: 'Up to date except 3 files',
    });
    const one = status({
      notSynced: { needsAttention: 1, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
    });
    expect(trayModel(input({ status: one })).status).toBe('Up to date except 1 file');
    const onPurpose = status({
      notSynced: { needsAttention: 0, onPurpose: 4, notTracked: 0, uploadedButUnusable: 0 },
    });
    expect(trayModel(input({ status: onPurpose }))).toMatchObject({
      icon: 'up-to-date',
      status: 'Up to date',
    });
    const problem = status({
      problems: [
        {
          category: 'local-file',
          message: 'Hoist refused to delete 900 remote files. Confirm it in Hoist.',
          retryable: false,
        },
      ],
    });
    expect(trayModel(input({ status: problem })).status).toBe('Hoist refused to delete 900 remote files');
  });

  it('while syncing, a problem is a second line under the progress', () => {
    const model = trayModel(
      input({
        status: status({
          state: 'syncing',
          notSynced: { needsAttention: 1, onPurpose: 0, notTracked: 0, uploadedButUnusable: 0 },
          progress: { filesDone: 1, filesTotal: 2, bytesDone: 1, bytesTotal: 2, rate: 1, etaSeconds: 1 },
        }),
      }),
    );
    expect(lines(model.items).slice(0, 3)).toEqual(['[Syncing 1 of 2 · 50%]', '[1 file not synced]', '---']);
  });

  it('before the app core answers, and while it restarts or keeps failing: Open Hoist and Quit still work', () => {
    const starting = trayModel(input({ status: null, core: 'starting' }));
    expect([starting.icon, starting.status, starting.tooltip]).toEqual([
      'syncing',
      'Starting…',
      'Hoist: Starting…',
    ]);
    expect(lines(starting.items)).toEqual([
      '[Starting…]',
      '---',
      'Sync now (disabled) -> sync-now',
      'Pause ▸ (disabled)',
      '  For 1 hour -> pause:one-hour',
      '  Until tomorrow -> pause:until-tomorrow',
      '  Until resumed -> pause:until-resumed',
      '---',
      'Open folder (disabled) -> open-folder',
      'Open Hoist -> open-hoist',
      'Browse remote files… -> browse-remote',
      'Settings… -> settings',
      '---',
      'Quit Hoist -> quit',
    ]);
    expect(trayModel(input({ status: null })).status).toBe('No folder is set up yet');
    const restarting = trayModel(input({ core: 'restarting' }));
    expect([restarting.icon, restarting.status]).toEqual([
      'attention',
      'Hoist’s sync process stopped; restarting…',
    ]);
    expect(lines(restarting.items)).toContain('Sync now (disabled) -> sync-now');
    const failed = trayModel(input({ core: 'failed' }));
    expect([failed.icon, failed.status]).toEqual([
      'attention',
      'Hoist’s sync process keeps stopping; see Hoist',
    ]);
  });

  it('covers every engine state with a non-empty status line and an Open Hoist item', () => {
    const states: EngineState[] = [
      'starting',
      'scanning',
      'syncing',
      'idle',
      'paused',
      'offline',
      'auth-failed',
      'stopped',
    ];
    for (const state of states) {
      const model = trayModel(input({ status: status({ state, paused: state === 'paused' }) }));
      expect(model.status.length, state).toBeGreaterThan(0);
      expect(lines(model.items), state).toContain('Open Hoist -> open-hoist');
      expect(lines(model.items), state).toContain('Quit Hoist -> quit');
    }
  });
});

describe('pause lengths', () => {
  it('one hour, until 08:00 tomorrow, until resumed', () => {
    expect(pauseEndsAt('one-hour', NOW)).toBe(NOW + 3_600_000);
    expect(pauseEndsAt('until-tomorrow', NOW)).toBe(new Date(2026, 11, 4, 8, 0).getTime());
    expect(pauseEndsAt('until-tomorrow', new Date(2026, 11, 31, 23, 30).getTime())).toBe(
      new Date(2027, 0, 1, 8, 0).getTime(),
    );
    expect(pauseEndsAt('until-resumed', NOW)).toBeNull();
  });
});
