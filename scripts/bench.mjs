// `npm run bench`: builds, runs every benchmark one after the other (each in its own process, never
// two at once), then prints one table with every figure, goal and verdict and writes them all to
// bench-results/bench.json (each bench also writes its own bench-results/<name>.json).
//
// Not a test: a missed goal is reported (verdict MISSED), not failed. The exit code is non-zero only
// when a benchmark broke (crashed, or wrote no results).
//
//   npm run bench                         all of them (~15-25 minutes on 2 cores)
//   npm run bench -- --only sync,hash     some of them (the others' earlier results are shown, marked)
//   npm run bench -- --skip server-put
//   npm run bench -- --no-build           use dist/ as it is
//   npm run bench -- --sync-args "--runs 3 --cpu-prof"    extra arguments for one bench
//   npm run bench -- --only sync --sync-args "--only-small"   issue 18's 3,000 small files vs rclone alone
//
// Generated inputs are cached under os.tmpdir()/hoist-bench/ (the first run creates ~1.5 GiB there);
// servers, emulators and temp dirs are each bench's own and are removed when it ends.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { clearTimeout, setTimeout } from 'node:timers';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const HOUR_MS = 60 * 60_000;

/** In running order: quick ones first, so a broken setup shows early. */
const BENCHES = [
  {
    name: 'hash',
    what: 'HasherPool MD5 vs md5sum (goal ≥ 95%)',
    command: [process.execPath, 'dist/test/bench/hash.bench.js'],
  },
  {
    name: 'watch-latency',
    what: 'watch mode: write → on the remote (goal p50 < 1 s)',
    command: [process.execPath, 'dist/test/bench/watch-latency.bench.js'],
  },
  {
    name: 'server-put',
    what: "the reference server's presigned PUT vs md5sum (its own goals)",
    command: [NPM, 'run', '--silent', 'bench:server', '--'],
  },
  {
    name: 'server-cost',
    what: "the reference server's CPU per small upload: fs with fsync (goal ≤ 1 ms), S3 ticket (goal ≤ 0.6 ms)",
    command: [process.execPath, 'dist/test/bench/server-cost.bench.js'],
  },
  {
    name: 'tracking-rss',
    what: 'peak RSS tracking 100,000 files (goal < 300 MB)',
    command: [process.execPath, 'dist/test/bench/tracking-rss.bench.js'],
  },
  {
    name: 'folders',
    what: '10 folders of 10,000 files in one app core: start-up to idle, first rows, peak RSS (goal < 1.5× one folder of 100,000)',
    command: [process.execPath, 'dist/test/bench/folders.bench.js'],
  },
  {
    name: 'listing-rss',
    what: 'peak RSS mirroring a 1,000,000-entry (203 MB) Alloy listing (goal < 300 MB)',
    command: [process.execPath, 'dist/test/bench/listing-rss.bench.js'],
  },
  {
    name: 'ui',
    what: 'hoist ui in Chromium: 100,000-row mirror (first rows, scroll p95, heap), bridge messages and UI CPU during a 10,000-file sync',
    command: [process.execPath, 'dist/test/bench/ui.bench.js'],
  },
  {
    name: 'large',
    what: 'a 6 GiB file through the reference server, client SIGKILLed at half and resumed (bytes received ≤ 1.02×, RSS < 200 MB, ≥ 70% of md5sum); a 1 GiB file’s CPU and RSS beside md5sum',
    command: [process.execPath, 'dist/test/bench/large.bench.js'],
  },
  {
    name: 'sync',
    what: 'initial sync vs rclone on s3rver: 3,000 small files (goal: CPU per file ≤ rclone, wall ≤ 0.9×) and 10,000 files (goal: faster); no-change re-run of 100,000 files (goal < 3 s)',
    command: [process.execPath, 'dist/test/bench/sync.bench.js'],
  },
];

function parseOptions(argv) {
  const options = { only: null, skip: new Set(), build: true, extra: {} };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) usage(`${arg} needs a value`);
      return next;
    };
    if (arg === '--only') options.only = new Set(value().split(','));
    else if (arg === '--skip') for (const name of value().split(',')) options.skip.add(name);
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--help' || arg === '-h') usage();
    else if (/^--[a-z-]+-args$/.test(arg)) {
      const name = arg.slice(2, -'-args'.length);
      if (!BENCHES.some((bench) => bench.name === name)) usage(`no bench named ${name}`);
      options.extra[name] = value().split(/\s+/).filter(Boolean);
    } else usage(`unknown option ${arg}`);
  }
  for (const name of [...(options.only ?? []), ...options.skip]) {
    if (!BENCHES.some((bench) => bench.name === name)) usage(`no bench named ${name}`);
  }
  return options;
}

function usage(problem) {
  const out = problem ? process.stderr : process.stdout;
  if (problem) out.write(`bench: ${problem}\n\n`);
  out.write(
    'Usage: npm run bench -- [--only a,b] [--skip a,b] [--no-build] [--<bench>-args "..."]\n\nBenches:\n' +
      BENCHES.map((bench) => `  ${bench.name.padEnd(14)} ${bench.what}`).join('\n') +
      '\n',
  );
  process.exit(problem ? 2 : 0);
}

let current = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = true;
    // The bench cleans up its own servers and temp dirs on SIGTERM.
    if (current && current.exitCode === null) current.kill('SIGTERM');
    else process.exit(130);
  });
}

function runBench(bench, extra) {
  const [command, ...args] = bench.command;
  return new Promise((resolve) => {
    const child = spawn(command, [...args, ...extra], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    current = child;
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${bench.name} ran longer than ${HOUR_MS / 60_000} min; stopping it\n`);
      child.kill('SIGTERM');
    }, HOUR_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, error: error.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      resolve({ code, error: code === 0 ? undefined : `exited with ${signal ?? code}` });
    });
  });
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const runStartedAt = Date.now();
  if (options.build) {
    process.stdout.write('\n=== build: npm run build:node\n');
    const build = spawnSync(NPM, ['run', '--silent', 'build:node'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) {
      process.stderr.write(
        'bench: the build failed; fix it (or run with --no-build to use dist/ as it is)\n',
      );
      process.exit(1);
    }
  }
  const summaryModule = join(ROOT, 'dist', 'test', 'bench', 'bench-support', 'summary.js');
  if (!existsSync(summaryModule)) {
    process.stderr.write(`bench: ${summaryModule} is missing; run without --no-build\n`);
    process.exit(1);
  }

  const outcomes = [];
  for (const bench of BENCHES) {
    const selected = (options.only === null || options.only.has(bench.name)) && !options.skip.has(bench.name);
    const commandText = [...bench.command, ...(options.extra[bench.name] ?? [])]
      .map((part) => (part === process.execPath ? 'node' : part))
      .join(' ');
    if (!selected || interrupted) {
      outcomes.push({
        name: bench.name,
        command: commandText,
        status: 'skipped',
        seconds: null,
        startedAt: Date.now(),
      });
      continue;
    }
    const load = loadavg()[0];
    process.stdout.write(`\n=== ${bench.name}: ${bench.what}\n    ${commandText}\n`);
    if (load > 1.5) {
      process.stdout.write(
        `    note: load average ${load.toFixed(2)} before starting — other processes are busy; figures may be low\n`,
      );
    }
    const startedAt = Date.now();
    const result = await runBench(bench, options.extra[bench.name] ?? []);
    const seconds = (Date.now() - startedAt) / 1000;
    outcomes.push({
      name: bench.name,
      command: commandText,
      status: result.code === 0 ? 'ok' : 'failed',
      seconds,
      startedAt,
      ...(result.error !== undefined ? { error: result.error } : {}),
    });
    process.stdout.write(
      `=== ${bench.name}: ${result.code === 0 ? 'done' : 'FAILED'} in ${seconds.toFixed(0)} s\n`,
    );
  }

  const { summarize } = await import(pathToFileURL(summaryModule).href);
  const allRan = await summarize(outcomes, runStartedAt);
  process.exit(interrupted ? 130 : allRan ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error?.stack ?? String(error)}\n`);
  process.exit(1);
});
