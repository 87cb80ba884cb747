import { credentialAccount, KeychainUnavailableError } from '../host/credentials/credential-store.js';
import type { CredentialStore } from '../host/credentials/credential-store.js';
import { keychainProblem, openKeychain } from '../host/credentials/open-keychain.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP } from './client-options.js';
import type { CommandIo } from './remote-command.js';
import { isEmbedded, remoteIdentityOf } from '../host/remote-identity.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const LOGIN_USAGE = `Usage: hoist login [options]

Saves the API token for a remote in the OS keychain (service "Hoist"), where hoist sync, ls, rm and the
desktop app find it. The token is read from stdin when stdin is not a terminal (echo "$TOKEN" | hoist
login ...), otherwise it is asked for without echo. It is never taken as a flag. HOIST_TOKEN, when
set, still wins over the saved token.
${REMOTE_OPTIONS_HELP}`;

/** Which keychain account the remote options name; the embedded remote has no token to save. */
export function loginAccount(argv: string[], env: NodeJS.ProcessEnv): { account: string; label: string } {
  const { remote, positionals } = parseClientArgs(argv, env, {});
  if (positionals.length > 0) {
    // A token typed as an argument would sit in shell history and the process list.
    throw new UsageError('hoist login takes no arguments; it reads the token from stdin or a prompt');
  }
  const url = remoteIdentityOf(remote.provider, remote.remote);
  if (isEmbedded(url)) {
    throw new UsageError('the embedded remote needs no token; name a remote with --provider and --remote');
  }
  return { account: credentialAccount(remote.provider, url), label: `${remote.provider} ${url}` };
}

/** The keychain, or null after saying plainly why there is none and what to do instead. */
export async function keychainOrExplain(io: CommandIo): Promise<CredentialStore | null> {
  try {
    return await openKeychain();
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    io.err(keychainProblem(error, 'cli'));
    return null;
  }
}

export async function runLoginCommand(argv: string[], io: CommandIo): Promise<number> {
  const { account, label } = loginAccount(argv, io.env);
  // Before asking: a token typed into a prompt that then cannot be saved is a token typed for nothing.
  const store = await keychainOrExplain(io);
  if (store === null) return EXIT_FAILED;
  const token = await readToken(`API token for ${label}: `);
  if (token === '') {
    io.err('No token given; nothing was saved.');
    return EXIT_FAILED;
  }
  try {
    await store.set(account, token);
  } catch (error) {
    // A keyring that answers but is locked (and no one to unlock it) fails only here.
    if (!(error instanceof KeychainUnavailableError)) throw error;
    io.err(keychainProblem(error, 'cli'));
    return EXIT_FAILED;
  }
  io.out(`Saved the token for ${label} in the keychain.`);
  if (io.env.HOIST_TOKEN) io.out('Note: HOIST_TOKEN is set, and while it is, it is used instead.');
  return EXIT_OK;
}

/** All of stdin when it is piped; otherwise one line typed at a prompt that does not echo. */
async function readToken(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    stdin.setEncoding('utf8');
    for await (const chunk of stdin) text += chunk as string;
    return text.trim();
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: string): void => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            resolve(typed.trim());
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('cancelled'));
            return;
          }
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
