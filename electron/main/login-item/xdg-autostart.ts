import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Start at login on Linux: Electron's setLoginItemSettings does nothing there, and the desktops
 * (GNOME, KDE, Xfce, …) all read XDG autostart entries from ~/.config/autostart instead.
 */

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const config =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(config, 'autostart', 'hoist.desktop');
}

/**
 * The program to start: inside an AppImage, execPath points into a mount that is gone after a
 * reboot; the AppImage file itself is in $APPIMAGE.
 */
export function launcherPath(execPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.APPIMAGE !== undefined && env.APPIMAGE !== '' ? env.APPIMAGE : execPath;
}

/** Quotes one Exec argument as the Desktop Entry spec asks (reserved characters need double quotes). */
export function quoteExecArgument(argument: string): string {
  if (argument !== '' && !/[\s"'\\><~|&;$*?#()`%]/.test(argument)) return argument;
  // Inside quotes, ", `, $ and \ take a backslash; % is doubled (field codes); then the whole string is
  // escaped once more for the key file's own string escaping (a backslash becomes two).
  const quoted = `"${argument.replace(/(["`$\\])/g, '\\$1').replace(/%/g, '%%')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Hoist',
    'Comment=Keeps a folder mirrored into your remote file store',
    `Exec=${command.map(quoteExecArgument).join(' ')}`,
    'Icon=hoist',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function writeAutostart(file: string, command: readonly string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, autostartEntry(command));
}

export async function removeAutostart(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** On if our entry exists and the user has not disabled it in their desktop's settings. */
export async function isAutostartOn(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return false;
  }
  return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
}
