import { startWebApp, openInBrowser } from '../host/web/run-web-app.js';
import { parseClientArgs, positiveInteger, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const UI_USAGE = `Usage: hoist ui [<folder>] [options]

Runs Hoist's window in your browser: sync status, the remote files, browse and delete, settings.
It listens on 127.0.0.1 only and prints a link with a secret for this run; open that link.
Without <folder> it opens the folder chosen last time, or the first-run screen.

Options:
  --port N             listen on port N (default: any free port)
  --no-open            do not try to open the browser
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
    ...(remote.token !== undefined ? { environmentToken: remote.token } : {}),
    log: (line) => io.err(line),
  });
  io.out(`Hoist is running. Open this link (it works for this run only):`);
  io.out(`  ${running.host.openUrl}`);
  if (values['no-open'] !== true) openInBrowser(running.host.openUrl, io.env);
  io.out('Press Ctrl-C to stop.');
  const signal = await io.stopSignal;
  io.out(`${signal}: stopping…`);
  await running.close();
  return EXIT_OK;
}
