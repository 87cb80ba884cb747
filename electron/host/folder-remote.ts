import { PROVIDERS } from '../../shared/providers.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { isEmbedded, remoteIdentityOrNull, type RemoteIdentity } from './remote-identity.js';

/** Whether the provider's remote needs an API token (the embedded and reference remotes do not). */
export function needsToken(provider: ProviderKind): boolean {
  return PROVIDERS[provider].needsToken;
}

/** A folder's remote identity (remote-identity.ts), or null when its URL names no remote. */
export function identityOf(pair: {
  provider: ProviderKind;
  remoteUrl?: string | undefined;
}): RemoteIdentity | null {
  return remoteIdentityOrNull(pair.provider, pair.remoteUrl);
}

/**
 * A folder's remote URL as the person typed it (surrounding spaces dropped), for showing only; null
 * when none. Never compared nor used as a key: two spellings of one remote are one remote, and only
 * its identity (identityOf) says so. Whoever connects passes the configured URL on, and
 * remoteIdentityOf reads it there.
 */
export function shownRemoteUrl(pair: { remoteUrl?: string | undefined }): string | null {
  const typed = pair.remoteUrl?.trim() ?? '';
  return typed === '' ? null : typed;
}

/** How people know a folder's remote before it opens (an open folder's label comes from open-pair.ts). */
export function remoteLabelOf(config: { provider: ProviderKind; remoteUrl?: string | undefined }): string {
  const identity = identityOf(config);
  if (identity !== null && isEmbedded(identity)) return 'This computer';
  return shownRemoteUrl(config) ?? identity ?? config.provider;
}
