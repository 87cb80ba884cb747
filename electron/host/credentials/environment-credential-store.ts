import type { CredentialStore } from './credential-store.js';

/**
 * HOIST_TOKEN as a store: the one token the environment gives, for every account, and read-only (the
 * environment belongs to whoever started us). Callers put it in front of the keychain so that
 * HOIST_TOKEN wins, as the CLI has always promised.
 */
export class EnvironmentCredentialStore implements CredentialStore {
  readonly kind = 'environment';

  constructor(private readonly token: string) {}

  async get(_account: string): Promise<string | null> {
    return this.token;
  }

  async set(_account: string, _token: string): Promise<void> {
    throw new Error('HOIST_TOKEN is set in the environment; unset it to save a token in the keychain');
  }

  async delete(_account: string): Promise<boolean> {
    throw new Error('HOIST_TOKEN is set in the environment; unset it to remove the saved token');
  }
}
