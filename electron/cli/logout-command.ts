import { REMOTE_OPTIONS_HELP } from './client-options.js';
import { keychainOrExplain, loginAccount } from './login-command.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_FAILED, EXIT_OK } from './usage-error.js';

export const LOGOUT_USAGE = `Usage: hoist logout [options]

Removes the API token saved for a remote from the OS keychain (by hoist login or the desktop app).
${REMOTE_OPTIONS_HELP}`;

export async function runLogoutCommand(argv: string[], io: CommandIo): Promise<number> {
  const { account, label } = loginAccount(argv, io.env);
  const store = await keychainOrExplain(io);
  if (store === null) return EXIT_FAILED;
  const removed = await store.delete(account);
  io.out(removed ? `Removed the saved token for ${label}.` : `No token was saved for ${label}.`);
  return EXIT_OK;
}
