import type { CredentialStore } from './credential-store.js';

/**
 * Tokens kept in this process's memory only: the "for this session only" choice the desktop app offers
 * when no keychain works, and the store tests use. Nothing is written anywhere.
 */
export class MemoryCredentialStore implements CredentialStore {
  readonly kind = 'memory';
  private readonly tokens = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.tokens.get(account) ?? null;
  }

  async set(account: string, token: string): Promise<void> {
    this.tokens.set(account, token);
  }

  async delete(account: string): Promise<boolean> {
    return this.tokens.delete(account);
  }
}
