import { formatBytes } from '../../shared/format-bytes.js';
import { remoteLabelOf } from '../host/folder-remote.js';
import { listRemoteFiles, type RemoteConfig } from '../host/remote-files.js';
import { pairsOfFolder } from '../host/sibling-pairs.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { formatUtc } from '../engine/upload/ownership-guard.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const LS_USAGE = `Usage: hoist ls [<folder>] [--json] [options]

Lists the files on the remote. When Hoist syncs a folder to this remote (or <folder> names one), the
list is that folder's cached copy, refreshed first (<folder> with no remote named: the remote it
syncs with); while another hoist process syncs that folder, the remote is asked directly. A rejected token is an error (exit 1); a remote that cannot be reached
while the app syncs gives the cached list, with its date on stderr.
--json prints an array of {key, name, size, lastModified}: name is the path the file stands for
(folders decoded), size in bytes or null, lastModified an ISO date or null.
${REMOTE_OPTIONS_HELP}`;

/**
 * The remote to list: the one named, or, for a folder with none named, the one remote that folder
 * syncs with (as `hoist status <folder>` finds it): typed after `hoist sync f --remote URL`, `hoist ls
 * f` lists that remote, not the built-in one. A folder synced with several must name one.
 */
function remoteOfFolder(
  remote: RemoteConfig,
  values: Record<string, unknown>,
  folder: string | undefined,
): RemoteConfig {
  if (folder === undefined || values.provider !== undefined || values.remote !== undefined) return remote;
  const pairs = pairsOfFolder(remote.stateRoot, folder);
  if (pairs.length > 1) {
    const names = pairs.map((pair) => remoteLabelOf({ provider: pair.provider, remoteUrl: pair.remote }));
    throw new UsageError(
      `${folder} syncs with ${pairs.length} remotes (${names.join(', ')}); name one with --provider and --remote`,
    );
  }
  const [pair] = pairs;
  return pair === undefined ? remote : { ...remote, provider: pair.provider, remote: pair.remote };
}

export async function runLsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('hoist ls takes at most one folder');
  const folder = positionals[0] === undefined ? undefined : await resolveFolder(positionals[0]);
  const listing = await listRemoteFiles(remoteOfFolder(remote, values, folder), folder);
  if (listing.cached !== null) {
    // On stderr, so a script reading stdout gets the list alone; the exit stays 0 (it is a list).
    const when = listing.cached.at === null ? 'never listed' : `as of ${formatUtc(listing.cached.at)}`;
    io.err(
      `Could not refresh the list (${forTerminal(listing.cached.because)}): this is the list cached by the running sync of ${printable(listing.folder ?? 'the folder')}, ${when}.`,
    );
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
