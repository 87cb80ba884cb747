import { deleteRemoteFiles } from '../host/remote-files.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const RM_USAGE = `Usage: hoist rm <key>... [options]

Deletes files from the remote by key (see hoist ls), through the synced folder that uploaded them, so
its state follows: a file still in that folder is uploaded again by the next sync.
${REMOTE_OPTIONS_HELP}`;

export async function runRmCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, positionals } = parseClientArgs(argv, io.env, {});
  if (positionals.length === 0) throw new UsageError('Which files? Usage: hoist rm <key>...');
  const results = await deleteRemoteFiles(remote, positionals);
  let failed = 0;
  for (const result of results) {
    if (result.deleted) {
      io.out(`deleted ${printable(result.key)}`);
      if (result.message !== 'Deleted from the remote') io.err(`  ${result.message}`);
    } else {
      failed++;
      io.err(`not deleted ${printable(result.key)}: ${forTerminal(result.message)}`);
    }
  }
  const skipped = positionals.length - results.length;
  if (skipped > 0) io.err(`${skipped} more not tried after that error`);
  return failed > 0 || skipped > 0 ? EXIT_FAILED : EXIT_OK;
}
