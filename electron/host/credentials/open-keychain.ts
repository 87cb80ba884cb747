import { KeychainUnavailableError, type CredentialStore } from './credential-store.js';
import { KeytarCredentialStore, loadKeytar, type KeytarApi } from './keytar-credential-store.js';

export interface OpenKeychainOptions {
  load?: () => Promise<KeytarApi>;
  /**
   * How long the first question to the keychain may take. A locked keyring on a machine with no one to
   * answer its unlock prompt can leave the call pending for good; after this it counts as unavailable.
   */
  probeTimeoutMs?: number;
}

const PROBE_ACCOUNT = 'hoist-keychain-probe';

/**
 * The OS keychain, checked to work: loads keytar and asks for an entry that does not exist, so "no
 * D-Bus", "no Secret Service" and "locked" surface here, as a KeychainUnavailableError, before anyone
 * types a token into a prompt that could not save it.
 */
export async function openKeychain(options: OpenKeychainOptions = {}): Promise<CredentialStore> {
  const keytar = await (options.load ?? loadKeytar)();
  const store = new KeytarCredentialStore(keytar);
  const timeoutMs = options.probeTimeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KeychainUnavailableError(`the keychain did not answer within ${timeoutMs / 1000} s (locked?)`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([store.get(PROBE_ACCOUNT), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return store;
}

/** What is wrong, in words for a person, with the way out each host offers. */
export function keychainProblem(error: KeychainUnavailableError, host: 'desktop' | 'cli'): string {
  const way =
    host === 'desktop'
      ? 'Hoist can keep the token for this session only (you will be asked again after a restart).'
      : 'Put the token in the HOIST_TOKEN environment variable instead.';
  return `No keychain is available on this computer, so Hoist cannot save the token (${error.reason}). ${way}`;
}
