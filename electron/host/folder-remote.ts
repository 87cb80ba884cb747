import type { ProviderKind } from '../../shared/sync-types.js';

const NEEDS_TOKEN: Record<ProviderKind, boolean> = {
  local: false,
  alloy: true,
  composio: true,
  openwebui: true,
};

/** Whether the provider's remote needs an API token (the embedded and reference remotes do not). */
export function needsToken(provider: ProviderKind): boolean {
  return NEEDS_TOKEN[provider];
}

/** A folder's remote URL as accounts and providers use it: trimmed, no trailing slash; undefined when none. */
export function remoteUrlOf(pair: { remoteUrl?: string | undefined }): string | undefined {
  return pair.remoteUrl?.trim() ? pair.remoteUrl.trim().replace(/\/+$/, '') : undefined;
}
