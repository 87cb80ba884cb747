/**
 * The credential store interface agreed with the Electron shell (issue 10), which owns
 * electron/host/credentials/credential-store.ts and adds the keychain. Until that file is on main,
 * the interface lives here; swapping is one import.
 */
export interface CredentialStore {
  readonly kind: 'keychain' | 'memory' | 'environment';
  get(account: string): Promise<string | null>;
  set(account: string, token: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The account a token belongs to: one per remote. */
export function credentialAccount(provider: string, remoteUrl: string): string {
  return `${provider} ${remoteUrl}`;
}

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
