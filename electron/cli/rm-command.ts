import { deleteRemoteFiles } from '../host/remote-files.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const RM_USAGE = `Usage: hoist rm <file>... [options]

Deletes files from the remote, each named by its path as hoist ls shows it (Docs/a.txt) or by its
key (in brackets in hoist ls; / is accepted for the ∕ in a key). Each is looked up in the remote's
list first: one that is not there is reported "not found" and nothing is sent for it. Deletes through
the synced folder that uploaded them, so its state follows: a file still in that folder is uploaded
again by the next sync.
${REMOTE_OPTIONS_HELP}`;

export async function runRmCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, positionals } = parseClientArgs(argv, io.env, {});
  if (positionals.length === 0) throw new UsageError('Which files? Usage: hoist rm <file>...');
  const results = await deleteRemoteFiles(remote, positionals);
  let failed = 0;
  let notFound = 0;
  for (const result of results) {
    const named =
      result.asked === result.key
        ? printable(result.key)
        : `${printable(result.asked)} [${printable(result.key)}]`;
    if (result.deleted) {
      io.out(`deleted ${named}`);
      if (result.message !== 'Deleted from the remote') io.err(`  ${forTerminal(result.message)}`);
    } else if (result.notFound === true) {
      notFound++;
      io.err(`not found ${printable(result.asked)}: ${forTerminal(result.message)}`);
    } else {
      failed++;
      io.err(`not deleted ${named}: ${forTerminal(result.message)}`);
    }
  }
  const skipped = positionals.length - results.length;
  if (skipped > 0) io.err(`${skipped} more not tried after that error`);
  const deleted = results.filter((result) => result.deleted).length;
  if (positionals.length > 1) {
    io.out(
      `${deleted} deleted${notFound > 0 ? `, ${notFound} not found` : ''}${failed + skipped > 0 ? `, ${failed + skipped} not deleted` : ''}`,
    );
  }
  return failed > 0 || skipped > 0 || notFound > 0 ? EXIT_FAILED : EXIT_OK;
}
