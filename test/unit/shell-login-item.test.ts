import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoginItem, startedAtLogin, type LoginItemApp } from '../../electron/main/login-item/login-item.js';
import {
  autostartEntry,
  autostartFile,
  isAutostartOn,
  launcherPath,
  quoteExecArgument,
} from '../../electron/main/login-item/xdg-autostart.js';
import { makeTempDir } from '../support/temp-dir.js';

// A plain object standing in for Electron's app (login item calls only; the binary cannot run here).
function fakeApp(): LoginItemApp & { calls: unknown[]; on: boolean } {
  const app = {
    calls: [] as unknown[],
    on: false,
    setLoginItemSettings(settings: { openAtLogin: boolean }) {
      app.calls.push(settings);
      app.on = settings.openAtLogin;
    },
    getLoginItemSettings() {
      return { openAtLogin: app.on };
    },
  };
  return app;
}

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('hoist-autostart-');
});
afterEach(async () => {
  await dir.remove();
});

describe('XDG autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/home/ada/.cfg' })).toBe(
      '/home/ada/.cfg/autostart/hoist.desktop',
    );
    expect(autostartFile({ XDG_CONFIG_HOME: '' })).toMatch(/\/\.config\/autostart\/hoist\.desktop$/);
  });

  it('starts the AppImage file itself when running from one', () => {
    expect(launcherPath('/tmp/.mount_HoistX/hoist', { APPIMAGE: '/home/ada/Apps/Hoist.AppImage' })).toBe(
      '/home/ada/Apps/Hoist.AppImage',
    );
    expect(launcherPath('/opt/Hoist/hoist', {})).toBe('/opt/Hoist/hoist');
  });

  it('quotes Exec arguments the way the Desktop Entry spec asks', () => {
    expect(quoteExecArgument('/opt/Hoist/hoist')).toBe('/opt/Hoist/hoist');
    expect(quoteExecArgument('--hidden')).toBe('--hidden');
    expect(quoteExecArgument('/home/ada/My Apps/Hoist.AppImage')).toBe('"/home/ada/My Apps/Hoist.AppImage"');
    // Inside quotes: \" for a quote, \$ for a dollar; then the key file doubles each backslash.
    expect(quoteExecArgument('a"b$c')).toBe('"a\\\\"b\\\\$c"');
    expect(quoteExecArgument('100%')).toBe('"100%%"');
  });

  it('writes a complete entry', () => {
    expect(autostartEntry(['/opt/Hoist/hoist', '--hidden'])).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Hoist',
        'Comment=Keeps a folder mirrored into your remote file store',
        'Exec=/opt/Hoist/hoist --hidden',
        'Icon=hoist',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });
});

describe('login item', () => {
  it('on Linux: writes and removes the autostart entry, and reads the user’s own switch-off', async () => {
    const env = { XDG_CONFIG_HOME: dir.path, APPIMAGE: '/home/ada/Hoist.AppImage' };
    const app = fakeApp();
    const item = new LoginItem(app, 'linux', '/tmp/.mount/hoist', env);
    expect(await item.isOn()).toBe(false);
    await item.set(true);
    const file = join(dir.path, 'autostart', 'hoist.desktop');
    expect(await readFile(file, 'utf8')).toContain('Exec=/home/ada/Hoist.AppImage --hidden\n');
    expect(await item.isOn()).toBe(true);
    await writeFile(file, `${await readFile(file, 'utf8')}Hidden=true\n`);
    expect(await isAutostartOn(file)).toBe(false);
    await item.set(false);
    expect(await item.isOn()).toBe(false);
    await item.set(false);
    expect(app.calls).toEqual([]);
  });

  it('on macOS and Windows: Electron’s login item, opening hidden', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const app = fakeApp();
      const item = new LoginItem(app, platform, '/Applications/Hoist.app/Contents/MacOS/Hoist', {});
      await item.set(true);
      expect(await item.isOn()).toBe(true);
      await item.set(false);
      expect(app.calls).toEqual([
        { openAtLogin: true, openAsHidden: true, args: ['--hidden'] },
        { openAtLogin: false, openAsHidden: true, args: ['--hidden'] },
      ]);
    }
  });

  it('knows a launch from the login item by its argument', () => {
    expect(startedAtLogin(['/opt/Hoist/hoist', '--hidden'])).toBe(true);
    expect(startedAtLogin(['/opt/Hoist/hoist'])).toBe(false);
  });
});
