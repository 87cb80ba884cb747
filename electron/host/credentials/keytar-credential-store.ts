import { CREDENTIAL_SERVICE, KeychainUnavailableError, type CredentialStore } from './credential-store.js';

/**
 * The OS keychain through keytar: macOS Keychain, Windows Credential Manager, the Secret Service
 * (GNOME Keyring, KWallet) on Linux. This is the only file that knows keytar; swapping it for
 * `@napi-rs/keyring` (maintained; keytar is archived) means rewriting `loadKeytar` and the three calls
 * below against its `Entry` class, nothing else.
 */

/** The part of keytar Hoist uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Loaded on first use, not at import: a native module that fails to load (missing libsecret, a build
 * for another ABI) must become "no keychain", never a crash of whoever imported this file.
 */
export async function loadKeytar(): Promise<KeytarApi> {
  try {
    const module = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
    return module.default ?? module;
  } catch (error) {
    throw new KeychainUnavailableError(`the keytar module did not load (${(error as Error).message})`);
  }
}

export class KeytarCredentialStore implements CredentialStore {
  readonly kind = 'keychain';

  constructor(private readonly keytar: KeytarApi) {}

  get(account: string): Promise<string | null> {
    return unavailableOnFailure(this.keytar.getPassword(CREDENTIAL_SERVICE, account));
  }

  set(account: string, token: string): Promise<void> {
    return unavailableOnFailure(this.keytar.setPassword(CREDENTIAL_SERVICE, account, token));
  }

  delete(account: string): Promise<boolean> {
    return unavailableOnFailure(this.keytar.deletePassword(CREDENTIAL_SERVICE, account));
  }
}

/**
 * keytar rejects only when the keychain itself cannot be reached ("Cannot autolaunch D-Bus without
 * X11 $DISPLAY", "org.freedesktop.secrets was not provided by any .service files", a dismissed unlock
 * prompt); a missing entry is null/false, not an error. So every rejection means "no keychain".
 */
async function unavailableOnFailure<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new KeychainUnavailableError(error instanceof Error ? error.message : String(error));
  }
}
