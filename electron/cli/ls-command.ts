import { formatBytes } from '../../shared/format-bytes.js';
import { listRemoteFiles } from '../host/remote-files.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { printable } from './terminal-wording.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const LS_USAGE = `Usage: hoist ls [<folder>] [--json] [options]

Lists the files on the remote. When Hoist syncs a folder to this remote (or <folder> names one), the
list is that folder's cached copy, refreshed first (read as it stands if another hoist process is
syncing that folder); otherwise the remote is asked directly.
--json prints an array of {key, name, size, lastModified}: name is the path the file stands for
(folders decoded), size in bytes or null, lastModified an ISO date or null.
${REMOTE_OPTIONS_HELP}`;

export async function runLsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('hoist ls takes at most one folder');
  const folder = positionals[0] === undefined ? undefined : await resolveFolder(positionals[0]);
  const listing = await listRemoteFiles(remote, folder);
  if (listing.source === 'pair-mirror') {
    io.err(`(the list as ${listing.folder ?? 'the folder'}'s running sync last saw it)`);
  }
  const files = listing.files.map((file) => ({
    key: file.key,
    name: file.name,
    size: file.size,
    lastModified: file.lastModified === null ? null : new Date(file.lastModified).toISOString(),
  }));
  if (values.json === true) {
    io.out(JSON.stringify(files, null, 2));
    return EXIT_OK;
  }
  for (const file of files) {
    const size = file.size === null ? '-' : formatBytes(file.size);
    io.out(
      `${size.padStart(10)}  ${(file.lastModified ?? '-').slice(0, 19).replace('T', ' ').padEnd(19)}  ${printable(file.name)}  [${printable(file.key)}]`,
    );
  }
  io.out(`${files.length} file${files.length === 1 ? '' : 's'}`);
  return EXIT_OK;
}
