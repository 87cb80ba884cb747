import type { BoundToken, CredentialStore } from '../credentials/credential-store.js';

export { credentialAccount, type BoundToken, type CredentialStore } from '../credentials/credential-store.js';

/**
 * Tokens for this run only, in memory (the web host has no keychain to persist to). HOIST_TOKEN is
 * answered only for the account it was given for: a token goes to its own remote and nowhere else,
 * whatever URL a form or a script names.
 */
export class SessionCredentialStore implements CredentialStore {
  readonly kind: 'memory' | 'environment';
  private readonly tokens = new Map<string, string>();

  constructor(private readonly environment: BoundToken | undefined) {
    this.kind = environment ? 'environment' : 'memory';
  }

  async get(account: string): Promise<string | null> {
    const bound = this.environment?.account === account ? this.environment.token : null;
    return this.tokens.get(account) ?? bound;
  }

  async set(account: string, token: string): Promise<void> {
    this.tokens.set(account, token);
  }

  async delete(account: string): Promise<boolean> {
    return this.tokens.delete(account);
  }
}
