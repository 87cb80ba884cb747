import { parseClientArgs, REMOTE_OPTIONS_HELP } from './client-options.js';
import { connectRemote } from '../host/remote-connection.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';
import { toSyncError } from '../engine/sync-error.js';

export const RM_USAGE = `Usage: hoist rm <key>... [options]

Deletes files from the remote by key (see hoist ls). A file still in a synced folder is uploaded again
by the next sync.
${REMOTE_OPTIONS_HELP}`;

export async function runRmCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, positionals } = parseClientArgs(argv, io.env, {});
  if (positionals.length === 0) throw new UsageError('Which files? Usage: hoist rm <key>...');
  const connection = await connectRemote(remote);
  let failed = 0;
  try {
    for (const key of positionals) {
      try {
        await connection.provider.delete(key);
        io.out(`deleted ${key}`);
      } catch (error) {
        const syncError = toSyncError(error, 'network');
        failed++;
        io.err(`not deleted ${key}: ${syncError.message}`);
        if (syncError.category === 'auth' || syncError.category === 'unsupported') break;
      }
    }
  } finally {
    await connection.close();
  }
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}
