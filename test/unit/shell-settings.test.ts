import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCoreToMain, parseMainToCore } from '../../electron/main/core-process/core-protocol.js';
import { DesktopShellClient } from '../../electron/main/core-process/desktop-shell-client.js';
import { appMenuTemplate } from '../../electron/main/menu/app-menu-template.js';
import { answerDesktopSettings } from '../../electron/main/settings/desktop-settings-handler.js';
import { ShellSettingsFile } from '../../electron/main/settings/shell-settings.js';
import { trayModel } from '../../electron/main/tray/tray-model.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('hoist-shell-settings-');
});
afterEach(async () => {
  await dir.remove();
});

describe('shell settings', () => {
  it('defaults to notifications on and no close notice shown; keeps changes across restarts', async () => {
    const file = join(dir.path, 'shell-settings.json');
    const first = new ShellSettingsFile(file);
    expect(await first.load()).toEqual({ notifications: true, closeNoticeShown: false });
    await first.update({ notifications: false });
    await first.update({ closeNoticeShown: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      notifications: false,
      closeNoticeShown: true,
    });
    expect(await new ShellSettingsFile(file).load()).toEqual({
      notifications: false,
      closeNoticeShown: true,
    });
    await writeFile(file, '{broken');
    expect(await new ShellSettingsFile(file).load()).toEqual({
      notifications: true,
      closeNoticeShown: false,
    });
  });
});

describe('window menu', () => {
  it('carries every tray action (for desktops without a tray), the two switches, and Quit last', () => {
    const tray = trayModel({ status: null, pausedUntil: null, core: 'running', now: 0, formatTime: String });
    const ran: string[] = [];
    const [hoist, ...rest] = appMenuTemplate(
      { tray, notifications: true, startAtLogin: false, isMac: false, development: false },
      (action) => ran.push(action),
    );
    const items = hoist!.submenu as Array<{
      label?: string;
      type?: string;
      checked?: boolean;
      click?: () => void;
    }>;
    const labels = items.map((item) => item.label ?? `(${item.type})`);
    expect(labels).toEqual([
      'No folder is set up yet',
      '(separator)',
      'Sync now',
      'Pause',
      '(separator)',
      'Open folder',
      'Open Hoist',
      'Browse remote files…',
      'Settings…',
      '(separator)',
      'Start Hoist at login',
      'Show notifications',
      '(separator)',
      'Quit Hoist',
    ]);
    expect(items.find((item) => item.label === 'Show notifications')?.checked).toBe(true);
    expect(items.find((item) => item.label === 'Start Hoist at login')?.checked).toBe(false);
    items.find((item) => item.label === 'Start Hoist at login')!.click!();
    items.at(-1)!.click!();
    expect(ran).toEqual(['toggle-start-at-login', 'quit']);
    expect(rest.map((menu) => menu.label)).toEqual(['Edit', 'View', 'Window']);
  });
});

describe('desktop switches for the Settings screen', () => {
  it('the app core reads and changes them through main, and the tray and menu are told', async () => {
    const settings = new ShellSettingsFile(join(dir.path, 'shell-settings.json'));
    await settings.load();
    let loginOn = false;
    const loginItem = {
      isOn: async () => loginOn,
      set: async (on: boolean) => {
        loginOn = on;
      },
    };
    let changes = 0;
    // The core's client and main's handler joined as the processes are, messages parsed on arrival.
    const client: DesktopShellClient = new DesktopShellClient((request) => {
      const parsed = parseCoreToMain(JSON.parse(JSON.stringify(request)));
      if (parsed?.type !== 'desktop-settings-request') throw new Error('malformed request');
      void answerDesktopSettings(parsed, { settings, loginItem, changed: () => changes++ }).then((reply) => {
        const back = parseMainToCore(JSON.parse(JSON.stringify(reply)));
        if (back?.type !== 'desktop-settings-reply') throw new Error('malformed reply');
        client.deliver(back);
      });
    });
    expect(await client.desktopSettings()).toEqual({ notifications: true, startAtLogin: false });
    expect(changes).toBe(0);
    expect(await client.desktopSettings({ notifications: false, startAtLogin: true })).toEqual({
      notifications: false,
      startAtLogin: true,
    });
    expect(changes).toBe(1);
    expect(settings.current.notifications).toBe(false);
    expect(loginOn).toBe(true);
    expect(parseCoreToMain({ type: 'desktop-settings-request', id: 1, change: { other: true } })).toBeNull();
  });
});
