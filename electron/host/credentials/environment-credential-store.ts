import type { BoundToken, CredentialStore } from './credential-store.js';

/**
 * HOIST_TOKEN as a store: the token the environment gives, answered only for the account it was given
 * for (the command line's `--provider/--remote`), and read-only (the environment belongs to whoever
 * started us). Callers put it in front of the keychain so that HOIST_TOKEN wins for that remote, as
 * the CLI has always promised; any other remote gets nothing from it.
 */
export class EnvironmentCredentialStore implements CredentialStore {
  readonly kind = 'environment';

  constructor(private readonly bound: BoundToken) {}

  async get(account: string): Promise<string | null> {
    return account === this.bound.account ? this.bound.token : null;
  }

  async set(_account: string, _token: string): Promise<void> {
    throw new Error('HOIST_TOKEN is set in the environment; unset it to save a token in the keychain');
  }

  async delete(_account: string): Promise<boolean> {
    throw new Error('HOIST_TOKEN is set in the environment; unset it to remove the saved token');
  }
}
