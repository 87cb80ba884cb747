import type { ProviderKind } from '../../../shared/sync-types.js';
import type { RemoteIdentity } from '../remote-identity.js';

/**
 * Where API tokens are kept. The desktop app and the CLI share one implementation, so a token saved by
 * `hoist login` is the one the desktop app uses and the other way round. keytar (archived since 2022)
 * sits behind this interface in one file (keytar-credential-store.ts): a maintained binding such as
 * `@napi-rs/keyring` replaces it there without touching any caller.
 */
export interface CredentialStore {
  /** keychain: the OS keychain; memory: this session only; environment: HOIST_TOKEN, read-only. */
  readonly kind: 'keychain' | 'memory' | 'environment';
  get(account: string): Promise<string | null>;
  set(account: string, token: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  /**
   * Where no keychain works, the person may accept keeping tokens in memory until Hoist quits; a
   * store that can offer this has the method (the desktop app's), others leave it out.
   */
  useSessionOnly?(): Promise<void>;
}

/** A token given at start (HOIST_TOKEN) and the one account it was given for (`--provider/--remote`). */
export interface BoundToken {
  account: string;
  token: string;
}

/** The keychain service every entry is filed under (what a keychain app shows). */
export const CREDENTIAL_SERVICE = 'Hoist';

/**
 * The keychain account a remote's token is filed and found under: its provider and identity
 * (remote-identity.ts), the only way an account is named, so a token given for one remote is never
 * looked up for another and the CLI and the app file it alike (`HTTP://Host/` and `http://host` are
 * one account, `http://host:81` another). The words are what earlier versions wrote: kept as they are.
 */
export function credentialAccount(provider: ProviderKind, identity: RemoteIdentity): string {
  return `${provider} ${identity}`;
}

/**
 * No keychain can be used on this machine: keytar did not load, no Secret Service answers, or the
 * keyring is locked and cannot be unlocked. `reason` is the platform's own words, for the detail line.
 */
export class KeychainUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`no keychain available: ${reason}`);
    this.name = 'KeychainUnavailableError';
  }
}
