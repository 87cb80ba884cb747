import { PROVIDERS } from '../../shared/providers.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { remoteIdentityOrNull, type RemoteIdentity } from './remote-identity.js';

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

/** A folder's remote URL as accounts and providers use it: trimmed, no trailing slash; undefined when none. */
export function remoteUrlOf(pair: { remoteUrl?: string | undefined }): string | undefined {
  return pair.remoteUrl?.trim() ? pair.remoteUrl.trim().replace(/\/+$/, '') : undefined;
}
