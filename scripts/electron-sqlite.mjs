// Builds better-sqlite3 for Electron's ABI into build/native/electron/<platform>-<arch>/, beside (never
// instead of) the Node build in node_modules that the CLI and the tests use. The desktop app core passes
// it to better-sqlite3 as `nativeBinding` (electron/main/core-process/sqlite-binding.ts), and packaging
// copies it into the app's resources. Either copy can be (re)built first.
//
// It first asks prebuild-install for the published Electron prebuild, then falls back to compiling
// against Electron's headers. Both need the internet (GitHub, electronjs.org): the hosts are probed first
// (download-probe.mjs, 5 s), and on CI nothing is tried (no test needs it). Without them this prints one
// line and exits 0: the desktop app then cannot open its databases, everything else works.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { probe, proxyConfigured } from './download-probe.mjs';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const outDir = join('build', 'native', 'electron', `${process.platform}-${process.arch}`);
const stamp = join(outDir, 'electron-version.txt');

if (
  existsSync(join(outDir, 'better_sqlite3.node')) &&
  readFileSync(stamp, 'utf8').trim() === electronVersion
) {
  process.exit(0);
}

const CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
if (CI) {
  console.log(
    `setup: on CI better-sqlite3 is not built for Electron ${electronVersion} (no test needs it); the desktop app would.`,
  );
  process.exit(0);
}
if (!proxyConfigured()) {
  // prebuild-install fetches from GitHub releases, node-gyp Electron's headers from electronjs.org.
  const answers = await Promise.all([probe('https://github.com/'), probe('https://electronjs.org/headers')]);
  if (answers.every((answer) => !answer.reachable)) {
    console.log(
      `setup: better-sqlite3 for Electron ${electronVersion} could not be fetched or built (github.com: ${answers[0].reason}; electronjs.org: ${answers[1].reason}); the desktop app needs it, the CLI and the tests do not.`,
    );
    process.exit(0);
  }
}

const work = mkdtempSync(join(tmpdir(), 'hoist-electron-sqlite-'));
try {
  cpSync(sqliteDir, work, {
    recursive: true,
    filter: (source) => !source.startsWith(join(sqliteDir, 'build')),
  });
  const bin = (name) => join(process.cwd(), 'node_modules', '.bin', name);
  // Bounded: a network that hangs instead of failing must not hang setup.
  const quiet = { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 5 * 60 * 1000 };
  const prebuilt = spawnSync(
    bin('prebuild-install'),
    [
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      '--arch',
      process.arch,
      '--platform',
      process.platform,
    ],
    quiet,
  );
  if (prebuilt.status !== 0) {
    const compiled = spawnSync(
      bin('node-gyp'),
      [
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
      ],
      quiet,
    );
    if (compiled.status !== 0) {
      const reason = (compiled.stderr || prebuilt.stderr || '')
        .split('\n')
        .find((line) => /error|ENOTFOUND|EAI_AGAIN/i.test(line));
      console.log(
        `setup: better-sqlite3 for Electron ${electronVersion} could not be fetched or built (${(reason ?? 'no network?').trim()}); the desktop app needs it, the CLI and the tests do not.`,
      );
      process.exit(0);
    }
  }
  mkdirSync(outDir, { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
  writeFileSync(stamp, `${electronVersion}\n`);
  console.log(`setup: built better-sqlite3 for Electron ${electronVersion} in ${outDir}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
