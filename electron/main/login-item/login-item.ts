import {
  autostartFile,
  isAutostartOn,
  launcherPath,
  removeAutostart,
  writeAutostart,
} from './xdg-autostart.js';

/** The argument a login start carries: Hoist starts in the tray, without opening its window. */
export const HIDDEN_ARGUMENT = '--hidden';

/** The part of Electron's app the login item needs. */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean };
}

/**
 * "Start at login": Electron's login item on macOS and Windows, an XDG autostart entry on Linux (where
 * setLoginItemSettings does nothing). Started at login, Hoist gets --hidden and stays in the tray.
 */
export class LoginItem {
  constructor(
    private readonly app: LoginItemApp,
    private readonly platform: NodeJS.Platform,
    private readonly execPath: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async isOn(): Promise<boolean> {
    if (this.platform === 'linux') return isAutostartOn(autostartFile(this.env));
    return this.app.getLoginItemSettings({ args: [HIDDEN_ARGUMENT] }).openAtLogin;
  }

  async set(on: boolean): Promise<void> {
    if (this.platform === 'linux') {
      const file = autostartFile(this.env);
      if (on) await writeAutostart(file, [launcherPath(this.execPath, this.env), HIDDEN_ARGUMENT]);
      else await removeAutostart(file);
      return;
    }
    this.app.setLoginItemSettings({ openAtLogin: on, openAsHidden: true, args: [HIDDEN_ARGUMENT] });
  }
}

/** Whether this launch came from the login item. */
export function startedAtLogin(argv: readonly string[]): boolean {
  return argv.includes(HIDDEN_ARGUMENT);
}
