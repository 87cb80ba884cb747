// `npm start`: the desktop app where an Electron binary exists; otherwise (a headless server, CI) one
// line saying so, then the same UI in the browser through `hoist ui`. Arguments after `--` go to either.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { electronBinary } from './electron-binary.mjs';

const args = process.argv.slice(2);
const binary = electronBinary();
const [command, commandArgs] =
  binary !== null
    ? [binary, ['.', ...args]]
    : [process.execPath, ['dist/electron/cli/main.js', 'ui', ...args]];
if (binary === null) {
  console.log(
    'No Electron binary on this machine (headless?): starting the browser UI with `hoist ui` instead.',
  );
}
const built = binary !== null ? 'out/main/index.js' : 'dist/electron/cli/main.js';
if (!existsSync(built)) {
  console.error(`${built} is missing: run \`npm run build\` (or \`npm run setup\`) first.`);
  process.exit(1);
}
const child = spawn(command, commandArgs, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
