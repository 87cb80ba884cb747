import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tokenAccount } from '../host/remote-connection.js';
import { OPENER_PAGE, openInBrowser, startWebApp } from '../host/web/run-web-app.js';
import { parseClientArgs, positiveInteger, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const UI_USAGE = `Usage: hoist ui [<folder>] [options]

Runs Hoist's window in your browser: sync status, the remote files, browse and delete, settings.
It listens on 127.0.0.1 only and opens your browser with a link that works once (also printed;
in a terminal, Enter prints a new one). The link never goes on a command line.
It syncs every folder the app is configured with (added in the window; kept in app.json), all at
once; <folder> joins them. Without any, the window starts with its first-run screen. On a server,
--no-open runs them headless: open the printed link through an SSH tunnel to manage them.

Options:
  --port N             listen on port N (default: any free port)
  --no-open            do not try to open the browser ($BROWSER, else the system's opener)
${REMOTE_OPTIONS_HELP}`;

export async function runUiCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, {
    port: { type: 'string' },
    'no-open': { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError('hoist ui takes at most one folder');
  const port = values.port === undefined ? undefined : positiveInteger(values.port, 'port', 0, 65_535);
  const folder = positionals[0] === undefined ? undefined : await resolveFolder(positionals[0]);
  const running = await startWebApp({
    dataRoot: remote.stateRoot,
    ...(folder !== undefined
      ? {
          pair: {
            folder,
            provider: remote.provider,
            ...(remote.remote !== undefined ? { remoteUrl: remote.remote } : {}),
          },
        }
      : {}),
    ...(port !== undefined ? { port } : {}),
    ...(remote.token !== undefined
      ? { environmentToken: { token: remote.token, account: tokenAccount(remote.provider, remote.remote) } }
      : {}),
    log: (line) => io.err(line),
  });
  const link = running.host.newLink();
  const opened =
    values['no-open'] !== true &&
    (await openInBrowser(link, remote.stateRoot, io.env).catch((error: unknown) => {
      io.err(`Could not open the browser: ${(error as Error).message}`);
      return false;
    }));
  io.out(
    opened
      ? 'Hoist is running and opening in your browser. If it does not, open this link (it works once):'
      : 'Hoist is running. Open this link (it works once):',
  );
  io.out(`  ${link}`);
  const stopLinks = offerNewLinks(running.host, io);
  io.out('Press Ctrl-C to stop.');
  const signal = await io.stopSignal;
  stopLinks();
  io.out(`${signal}: stopping…`);
  await running.close();
  await rm(join(remote.stateRoot, OPENER_PAGE), { force: true });
  return EXIT_OK;
}

/**
 * In a terminal, Enter prints a new link: each link opens one browser tab once, so a second browser
 * or a closed tab needs another. Returns what stops listening.
 */
function offerNewLinks(host: { newLink(): string }, io: CommandIo): () => void {
  if (!process.stdin.isTTY) return () => undefined;
  io.out('Press Enter for a new link (for another browser or tab).');
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => io.out(`  ${host.newLink()}`));
  return () => lines.close();
}
