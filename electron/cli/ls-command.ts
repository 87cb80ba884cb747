import { decodeRemoteName } from '../engine/remote/remote-names.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP } from './client-options.js';
import { formatBytes } from '../../shared/format-bytes.js';
import { connectRemote } from '../host/remote-connection.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const LS_USAGE = `Usage: hoist ls [--json] [options]

Lists the files on the remote. --json prints an array of {key, name, size, lastModified}: name is the
path the file stands for (folders decoded), size in bytes or null, lastModified an ISO date or null.
${REMOTE_OPTIONS_HELP}`;

export async function runLsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError('hoist ls takes no arguments');
  const connection = await connectRemote(remote);
  try {
    const entries = await connection.provider.list();
    const files = entries
      .map((entry) => ({
        key: entry.key,
        name: decodeRemoteName(entry.name),
        size: entry.size,
        lastModified: entry.lastModified === null ? null : new Date(entry.lastModified).toISOString(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (values.json === true) {
      io.out(JSON.stringify(files, null, 2));
      return EXIT_OK;
    }
    for (const file of files) {
      const size = file.size === null ? '-' : formatBytes(file.size);
      io.out(
        `${size.padStart(10)}  ${(file.lastModified ?? '-').slice(0, 19).replace('T', ' ').padEnd(19)}  ${file.name}  [${file.key}]`,
      );
    }
    io.out(`${files.length} file${files.length === 1 ? '' : 's'}`);
    return EXIT_OK;
  } finally {
    await connection.close();
  }
}
