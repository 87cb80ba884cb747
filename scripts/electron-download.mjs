// Fetches the Electron binary for `npm start`, the way `npm install` would, but never for long and never
// fatally: setup runs it after `npm ci` (which is told to skip the download, having no deadline).
//   - already there, or ELECTRON_SKIP_BINARY_DOWNLOAD set, or on CI (the tests do not need it): one line
//     or none, and nothing fetched;
//   - otherwise the download host is probed (download-probe.mjs, 5 s); unreachable means one line;
//   - reachable: Electron's own installer (node_modules/electron/install.js, which honours
//     ELECTRON_MIRROR and the cache settings) runs, killed if it has not finished in DOWNLOAD_CAP_MS.
// Always exits 0: without the binary, `npm start` opens the same UI in the browser.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronBinary } from './electron-binary.mjs';
import { probe, proxyConfigured } from './download-probe.mjs';

// The zip is about 100 MB: ten minutes is a 1.4 Mbit/s line. A stalled transfer ends there at the latest.
const DOWNLOAD_CAP_MS = 10 * 60 * 1000;
const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';
const FALLBACK = '`npm start` opens the browser UI instead';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const { version } = require('electron/package.json');

function say(line) {
  console.log(`setup: ${line}`);
}

function truthy(value) {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Where @electron/get will fetch from (its ELECTRON_MIRROR and npm-config spellings). */
function artifactUrl() {
  const env = process.env;
  const mirror =
    env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR || env.ELECTRON_MIRROR || DEFAULT_MIRROR;
  const base = mirror.endsWith('/') ? mirror : `${mirror}/`;
  return `${base}v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`;
}

async function main() {
  if (electronBinary() !== null) return;
  if (truthy(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)) {
    say(`ELECTRON_SKIP_BINARY_DOWNLOAD is set, so no Electron binary was fetched; ${FALLBACK}.`);
    return;
  }
  if (truthy(process.env.CI)) {
    say(`on CI no Electron binary is fetched (no test needs it); ${FALLBACK}.`);
    return;
  }
  const url = artifactUrl();
  const host = new URL(url).host;
  if (!proxyConfigured()) {
    const answer = await probe(url);
    if (!answer.reachable) {
      say(
        `no Electron binary: ${host} cannot be reached (${answer.reason}); ${FALLBACK}. Run \`npm run setup\` again when online.`,
      );
      return;
    }
  }
  say(`downloading Electron ${version} for ${process.platform}-${process.arch} from ${host} (about 100 MB)…`);
  const outcome = await runInstaller();
  if (outcome.ok && electronBinary() !== null) {
    say(`Electron ${version} is installed; \`npm start\` opens the desktop app.`);
  } else {
    say(
      `no Electron binary: the download ${outcome.reason}; ${FALLBACK}. Run \`npm run setup\` again to retry.`,
    );
  }
}

/** Electron's installer in a child process, ended at the cap; resolves how it went. */
function runInstaller() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      // Only the start is kept: enough for the reason, bounded whatever the installer prints.
      if (stderr.length < 8192) stderr += chunk;
    });
    const cap = setTimeout(() => child.kill('SIGTERM'), DOWNLOAD_CAP_MS);
    child.on('error', (error) => {
      clearTimeout(cap);
      resolve({ ok: false, reason: `could not start (${error.message})` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(cap);
      if (code === 0) resolve({ ok: true });
      else if (signal !== null)
        resolve({ ok: false, reason: `did not finish in ${DOWNLOAD_CAP_MS / 60000} minutes` });
      else resolve({ ok: false, reason: `failed (${installerReason(stderr)})` });
    });
  });
}

/** The installer prints a stack; its first line says what went wrong ("HTTPError: Response code 404 …"). */
function installerReason(stderr) {
  return (
    stderr
      .split('\n')
      .find((line) => line.trim().length > 0)
      ?.trim() ?? 'no message'
  );
}

await main();
