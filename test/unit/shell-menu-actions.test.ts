import { describe, expect, it } from 'vitest';
import { folderPathFor, menuActions, type MenuActionTargets } from '../../electron/main/menu/menu-actions.js';

const NOW = new Date(2026, 11, 3, 13, 0).getTime();

function targets(folder = '/home/ada/Documents'): MenuActionTargets & { done: unknown[] } {
  const done: unknown[] = [];
  return {
    done,
    sendToCore: (message) => done.push(message),
    openWindow: (kind) => done.push(`window ${kind}`),
    folder: () => folder,
    openFolder: (path) => done.push(`folder ${path}`),
    toggleNotifications: () => done.push('notifications'),
    toggleStartAtLogin: () => done.push('login item'),
    quit: () => done.push('quit'),
    now: () => NOW,
  };
}

describe('menu actions', () => {
  it('turns sync, pause and resume into core commands, pauses ending when chosen', () => {
    const t = targets();
    const run = menuActions(t);
    run('sync-now');
    run('pause:one-hour');
    run('pause:until-tomorrow');
    run('pause:until-resumed');
    run('resume');
    expect(t.done).toEqual([
      { type: 'tray-command', command: 'sync-now', until: null },
      { type: 'tray-command', command: 'pause', until: NOW + 3_600_000 },
      { type: 'tray-command', command: 'pause', until: new Date(2026, 11, 4, 8, 0).getTime() },
      { type: 'tray-command', command: 'pause', until: null },
      { type: 'tray-command', command: 'resume', until: null },
    ]);
  });

  it('a folder’s submenu names its folder: the core command carries its id, Open folder opens that one', () => {
    const asked: Array<string | undefined> = [];
    const t = targets();
    const run = menuActions({
      ...t,
      folder: (id) => {
        asked.push(id);
        return id === 'id-contracts' ? '/home/ada/Contracts' : '/home/ada/Documents';
      },
    });
    run('sync-now', 'id-contracts');
    run('pause:until-resumed', 'id-contracts');
    run('resume', 'id-contracts');
    run('open-folder', 'id-contracts');
    run('open-folder');
    expect(t.done).toEqual([
      { type: 'tray-command', command: 'sync-now', until: null, folder: 'id-contracts' },
      { type: 'tray-command', command: 'pause', until: null, folder: 'id-contracts' },
      { type: 'tray-command', command: 'resume', until: null, folder: 'id-contracts' },
      'folder /home/ada/Contracts',
      'folder /home/ada/Documents',
    ]);
    expect(asked).toEqual(['id-contracts', undefined]);
  });

  it('opens windows and the folder, flips the switches, quits', () => {
    const t = targets();
    const run = menuActions(t);
    for (const action of [
      'open-hoist',
      'browse-remote',
      'settings',
      'open-folder',
      'toggle-notifications',
      'toggle-start-at-login',
      'quit',
    ] as const) {
      run(action);
    }
    expect(t.done).toEqual([
      'window main',
      'window browse',
      'window settings',
      'folder /home/ada/Documents',
      'notifications',
      'login item',
      'quit',
    ]);
  });

  it('does nothing for Open folder before a folder is set up', () => {
    const t = targets('');
    menuActions(t)('open-folder');
    expect(t.done).toEqual([]);
  });

  it('Open folder finds the folder by its id among the rows; without an id the first; none: nothing', () => {
    const rows = [
      { id: 'id-notes', path: '/home/ada/Notes' },
      { id: 'id-contracts', path: '/home/ada/Contracts' },
    ];
    expect(folderPathFor(rows, 'id-contracts')).toBe('/home/ada/Contracts');
    expect(folderPathFor(rows)).toBe('/home/ada/Notes');
    expect(folderPathFor(rows, 'id-removed')).toBe('');
    expect(folderPathFor([])).toBe('');
  });
});
