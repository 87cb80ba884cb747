#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { enableCompileCache } from './compile-cache.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './usage-error.js';
import { SyncError } from '../engine/sync-error.js';

enableCompileCache();

/** The host's words for a configuration problem, with what to do about it in a terminal. */
function cliWording(error: SyncError): string {
  if (error.reason === 'missing-token') {
    const why = error.detail === undefined ? '' : ` (${error.detail})`;
    return `${error.message}. Set the API token in the HOIST_TOKEN environment variable or save it with hoist login${why}.`;
  }
  if (error.reason === 'missing-url') return `${error.message}: it needs --remote <url>`;
  return error.message;
}

const USAGE = `Usage: hoist <command> [options]

Commands:
  sync      mirror a folder into the remote (watches; --once to sync and exit)
  ls        list the files on the remote
  rm        delete files from the remote
  status    what Hoist knows about each synced folder
  ui        open Hoist's window in the browser (status, remote files, settings)
  resolve   list or resolve files in conflict (keep both, replace, ignore)
  remote    run the reference remote (Alloy, Composio and Open WebUI file APIs)
  login     save a remote's API token in the OS keychain (read from stdin or a prompt)
  logout    remove a remote's saved API token from the keychain

Run "hoist <command> --help" for a command's options, "hoist --version" for the versions.
`;

/** package.json's version: the nearest package.json above this file (dist/electron/cli or electron/cli). */
function hoistVersion(): string {
  for (let up = new URL('.', import.meta.url); ; up = new URL('..', up)) {
    try {
      return (JSON.parse(readFileSync(new URL('package.json', up), 'utf8')) as { version: string }).version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || up.pathname === '/') throw error;
    }
  }
}

type Command = (argv: string[], io: CommandIo) => Promise<number>;

/**
 * Each command's module is imported when that command runs: `hoist sync --once` need not load (and
 * compile) the web host, ws, the reference server or the AWS SDK that other commands pull in. Start-up
 * is most of what a run over an empty or unchanged folder costs (docs/benchmarks.md, Start-up).
 */
const COMMANDS: Record<string, () => Promise<{ run: Command; usage: string }>> = {
  sync: async () => {
    const { runSyncCommand, SYNC_USAGE } = await import('./sync-command.js');
    return { run: runSyncCommand, usage: SYNC_USAGE };
  },
  ls: async () => {
    const { runLsCommand, LS_USAGE } = await import('./ls-command.js');
    return { run: runLsCommand, usage: LS_USAGE };
  },
  rm: async () => {
    const { runRmCommand, RM_USAGE } = await import('./rm-command.js');
    return { run: runRmCommand, usage: RM_USAGE };
  },
  status: async () => {
    const { runStatusCommand, STATUS_USAGE } = await import('./status-command.js');
    return { run: runStatusCommand, usage: STATUS_USAGE };
  },
  ui: async () => {
    const { runUiCommand, UI_USAGE } = await import('./ui-command.js');
    return { run: runUiCommand, usage: UI_USAGE };
  },
  resolve: async () => {
    const { runResolveCommand, RESOLVE_USAGE } = await import('./resolve-command.js');
    return { run: runResolveCommand, usage: RESOLVE_USAGE };
  },
  login: async () => {
    const { runLoginCommand, LOGIN_USAGE } = await import('./login-command.js');
    return { run: runLoginCommand, usage: LOGIN_USAGE };
  },
  logout: async () => {
    const { runLogoutCommand, LOGOUT_USAGE } = await import('./logout-command.js');
    return { run: runLogoutCommand, usage: LOGOUT_USAGE };
  },
  remote: async () => {
    const [{ runRemoteCommand }, { REMOTE_USAGE }] = await Promise.all([
      import('./remote-command.js'),
      import('./remote-options.js'),
    ]);
    return { run: runRemoteCommand, usage: REMOTE_USAGE };
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: the usage goes to stderr, like every other one.
    process.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    // The Node too: setup may run Hoist on a Node of its own, not the machine's (bin/hoist).
    process.stdout.write(`hoist ${hoistVersion()} on Node ${process.versions.node} (${process.execPath})\n`);
    return 0;
  }
  const loadCommand = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (loadCommand === undefined) {
    process.stderr.write(`hoist: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const command = await loadCommand();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  const io: CommandIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    terminal: process.stdout.isTTY === true,
    stopSignal: new Promise((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    }),
  };
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hoist ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT_USAGE;
    }
    // A configuration problem (a bad URL or setting, no token, a state dir that cannot be made) is
    // the user's to fix, like a usage error: exit 2, with the cause.
    if (error instanceof SyncError && error.category === 'config') {
      process.stderr.write(`hoist ${name}: ${cliWording(error)}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`hoist ${name}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}

// A reader that goes away early (`hoist ls | head`) is no failure of ours: stop quietly with the
// status a program killed by SIGPIPE has (128 + 13), as coreutils do, not with an EPIPE stack trace.
// Every state write is crash-safe, so stopping here loses nothing.
const EXIT_BROKEN_PIPE = 141;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  throw error;
});

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`hoist: internal error (unhandled rejection): ${String(reason)}\n`);
  process.exitCode = EXIT_FAILED;
});

// Once a command has returned, its work is done (a server has closed and said "stopped"). Anything still
// pending, such as the injected-latency timer of a request whose connection the shutdown already cut,
// must not keep the process alive: exit on our own if the event loop has not drained shortly after.
const EXIT_GRACE_MS = 500;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    process.stderr.write(`hoist: ${String(error)}\n`);
    process.exitCode = EXIT_FAILED;
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  },
);
