#!/usr/bin/env node
import { runRemoteCommand, type CommandIo } from './remote-command.js';
import { REMOTE_USAGE } from './remote-options.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './usage-error.js';

const USAGE = `Usage: hoist <command> [options]

Commands:
  remote    run the reference remote (Alloy, Composio and Open WebUI file APIs)

Run "hoist <command> --help" for a command's options.
`;

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  remote: { run: runRemoteCommand, usage: REMOTE_USAGE },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`hoist: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  const io: CommandIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
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
    process.stderr.write(`hoist ${name}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`hoist: internal error (unhandled rejection): ${String(reason)}\n`);
  process.exitCode = EXIT_FAILED;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hoist: ${String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
