import { KeychainUnavailableError } from './credential-store.js';
import { openKeychain } from './open-keychain.js';
import type { CredentialStore } from './credential-store.js';

export type TokenLookup =
  | { token: string; source: 'environment' | 'keychain' }
  /** No token anywhere; `keychainProblem` says why the keychain could not even be asked. */
  | { token: null; keychainProblem: string | null };

/**
 * The token for one remote account: HOIST_TOKEN wins (it is how scripts and CI pass a token, and it
 * must be able to override a saved one), otherwise the entry `hoist login` or the desktop app saved.
 */
export async function lookUpToken(
  environmentToken: string | undefined,
  account: string,
  open: () => Promise<CredentialStore> = openKeychain,
): Promise<TokenLookup> {
  if (environmentToken !== undefined && environmentToken !== '') {
    return { token: environmentToken, source: 'environment' };
  }
  try {
    const token = await (await open()).get(account);
    return token !== null && token !== ''
      ? { token, source: 'keychain' }
      : { token: null, keychainProblem: null };
  } catch (error) {
    if (error instanceof KeychainUnavailableError) return { token: null, keychainProblem: error.reason };
    throw error;
  }
}
