import type { CredentialStore } from '../credentials/credential-store.js';

export { credentialAccount, type CredentialStore } from '../credentials/credential-store.js';

/**
 * Tokens for this run only, in memory; with `HOIST_TOKEN` set it answers that token for any account
 * until one is set explicitly (the web host has no keychain to persist to).
 */
export class SessionCredentialStore implements CredentialStore {
  readonly kind: 'memory' | 'environment';
  private readonly tokens = new Map<string, string>();

  constructor(private readonly environmentToken: string | undefined) {
    this.kind = environmentToken ? 'environment' : 'memory';
  }

  async get(account: string): Promise<string | null> {
    return this.tokens.get(account) ?? (this.environmentToken || null);
  }

  async set(account: string, token: string): Promise<void> {
    this.tokens.set(account, token);
  }

  async delete(account: string): Promise<boolean> {
    return this.tokens.delete(account);
  }
}
