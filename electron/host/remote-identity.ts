import { PROVIDERS } from '../../shared/providers.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { checkHttpUrl } from '../base/http-url.js';
import { SyncError } from '../engine/sync-error.js';

declare const remoteIdentityBrand: unique symbol;

/**
 * Which remote a pair syncs to and a token belongs to: the remote's normalized URL, or `embedded`.
 * Only remoteIdentityOf makes one (the brand keeps a raw URL from being passed where an identity is
 * asked for), so the keychain account (credentials/credential-store.ts `credentialAccount`), the pair
 * id (pair-location.ts `pairId`) and every lookup of either agree between the CLI, the web host and
 * the desktop app, however the URL was typed. Before this, three functions normalized it three ways,
 * and a token the app saved could be filed under another account than `hoist sync` looked in.
 */
export type RemoteIdentity = string & { readonly [remoteIdentityBrand]: true };

/** A stable stand-in for the embedded remote: its port changes every run. */
export const EMBEDDED_REMOTE_ID = 'embedded';

/**
 * The identity of `provider` at `url`: for an empty or absent URL (left empty in Settings, no
 * `--remote`) the provider's default address, or the embedded remote for `local`; otherwise the URL
 * after WHATWG parsing (surrounding spaces dropped, scheme and host lower-cased, default port dropped)
 * without trailing slashes, so `HTTPS://Host:443/` and `https://host` are one remote and
 * `https://host:8443` another. An identity is normal already: passing one back in returns it unchanged,
 * (for a URL's identity; `embedded` is no URL), which is what keeps the pair ids and keychain
 * accounts of existing users where they were.
 * Throws SyncError('config') (reason `missing-url` or `bad-url`) for an address that names no remote.
 */
export function remoteIdentityOf(provider: ProviderKind, url?: string | null): RemoteIdentity {
  const given = url?.trim() ?? '';
  if (given === '' && provider === 'local') return EMBEDDED_REMOTE_ID as RemoteIdentity;
  const baseUrl = given === '' ? PROVIDERS[provider].defaultUrl : given;
  if (baseUrl === null) {
    throw new SyncError('config', `The ${PROVIDERS[provider].label} remote needs its server's URL`, {
      reason: 'missing-url',
    });
  }
  // The one http(s) rule (base/http-url.ts), worded here for people choosing a remote.
  const checked = checkHttpUrl(baseUrl, { base: true });
  if (checked.problem !== undefined) {
    const words: Record<typeof checked.problem, string> = {
      'not-a-url': `The remote must be a URL like https://example.com, not "${baseUrl}"`,
      'not-http': 'The remote must be an http:// or https:// URL',
      'has-credentials': 'The remote URL must not contain credentials; the token goes elsewhere',
      'has-query': 'The remote URL must not have a query or a fragment',
    };
    throw new SyncError('config', words[checked.problem], { reason: 'bad-url' });
  }
  return checked.url.toString().replace(/\/+$/, '') as RemoteIdentity;
}

/** The identity, or null for an address that names no remote (a form still being typed). */
export function remoteIdentityOrNull(provider: ProviderKind, url?: string | null): RemoteIdentity | null {
  try {
    return remoteIdentityOf(provider, url);
  } catch (error) {
    if (error instanceof SyncError && error.category === 'config') return null;
    throw error;
  }
}

/** The embedded remote ("This computer" without a URL) has no address to reach or show. */
export function isEmbedded(identity: RemoteIdentity): boolean {
  return identity === EMBEDDED_REMOTE_ID;
}
