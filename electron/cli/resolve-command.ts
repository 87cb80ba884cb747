import type { ConflictResolution } from '../../shared/sync-types.js';
import { openPair } from '../host/open-pair.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import { printConflicts } from './conflict-output.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const RESOLVE_USAGE = `Usage: hoist resolve <folder> [<path>... | --all] [--keep-both | --replace | --ignore] [options]

Lists the files of <folder> that are in conflict (they would overwrite a remote file this folder did
not put there), or resolves them, then syncs the folder once:
  --keep-both   upload the file under a new name, "README (conflict 2026-12-03 host).md"; the remote
                file stays as it is
  --replace     upload the file over the remote one (that remote version is lost)
  --ignore      leave the remote file; stop reporting the conflict until the local file changes
  --all         every file in conflict, instead of naming paths (relative to <folder>)
Exit 0 when nothing is left in conflict or unsynced, 1 otherwise, 2 for usage errors.
${REMOTE_OPTIONS_HELP}`;

export async function runResolveCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, {
    'keep-both': { type: 'boolean' },
    replace: { type: 'boolean' },
    ignore: { type: 'boolean' },
    all: { type: 'boolean' },
  });
  const [folderArg, ...paths] = positionals;
  const folder = await resolveFolder(folderArg);
  const chosen = (['keep-both', 'replace', 'ignore'] as const).filter((choice) => values[choice] === true);
  if (chosen.length > 1) throw new UsageError('Choose one of --keep-both, --replace, --ignore');
  const resolution: ConflictResolution | undefined = chosen[0];
  if (resolution !== undefined && paths.length === 0 && values.all !== true) {
    throw new UsageError('Which files? Name their paths, or --all');
  }
  if (values.all === true && paths.length > 0) throw new UsageError('Name paths or give --all, not both');

  const pair = await openPair({ ...remote, folder }, { purpose: 'hoist resolve' });
  try {
    const { service } = pair;
    const conflicts = service.conflicts();
    if (resolution === undefined) {
      if (conflicts.length === 0) io.out('No files in conflict.');
      printConflicts(conflicts, pair, folder, io);
      return conflicts.some((conflict) => !conflict.ignored) ? EXIT_FAILED : EXIT_OK;
    }
    const targets = values.all === true ? conflicts.map((conflict) => conflict.path) : paths.map(normalize);
    let refused = 0;
    for (const path of targets) {
      try {
        io.out(`${printable(path)}: ${service.resolveConflict(path, resolution)}`);
      } catch (error) {
        refused++;
        io.err(`${printable(path)}: ${(error as Error).message}`);
      }
    }
    const summary = await service.runOnce();
    const left = summary.conflicts.length;
    const unsynced = summary.unsynced.filter((file) => file.state !== 'conflict');
    io.out(
      `Synced: ${summary.uploaded} uploaded, ${summary.alreadyOnRemote} already there; ${left} still in conflict, ${unsynced.length} not synced.`,
    );
    for (const file of unsynced) io.err(`  ${printable(file.path)}: ${forTerminal(file.message)}`);
    printConflicts(summary.conflicts, pair, folder, io);
    return refused > 0 || left > 0 || unsynced.length > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await pair.close();
  }
}

/** Paths as `hoist sync` prints them: relative to the folder, `/`-separated. */
function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}
