// `npm start`: the desktop app where an Electron binary and a display exist; otherwise (a headless server,
// CI, a machine setup could not download Electron to) one line saying why, then the same UI in the
// browser through `hoist ui`. Arguments after `--` go to either.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { electronBinary } from './electron-binary.mjs';

const args = process.argv.slice(2);
const binary = electronBinary();
// Linux (and other X11/Wayland systems) need a display server; macOS and Windows always have one.
const display =
  process.platform === 'darwin' ||
  process.platform === 'win32' ||
  Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const desktop = binary !== null && display;
if (binary === null) {
  console.log(
    'No Electron binary on this machine (`npm run setup` fetches it when it can reach the download): starting the browser UI with `hoist ui` instead.',
  );
} else if (!display) {
  console.log(
    'No display (DISPLAY and WAYLAND_DISPLAY are unset): starting the browser UI with `hoist ui` instead.',
  );
}
const [command, commandArgs] = desktop
  ? [binary, ['.', ...args]]
  : [process.execPath, ['dist/electron/cli/main.js', 'ui', ...args]];
const built = desktop ? 'out/main/index.js' : 'dist/electron/cli/main.js';
if (!existsSync(built)) {
  console.error(`${built} is missing: run \`npm run build\` (or \`npm run setup\`) first.`);
  process.exit(1);
}
const child = spawn(command, commandArgs, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
