import type { ProviderKind } from './sync-types.js';

/** Each remote as people know it: in messages, the tray, notifications and `hoist status`. */
export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  local: 'This computer',
  alloy: 'Alloy',
  composio: 'Composio',
  openwebui: 'Open WebUI',
};

/** The label for a provider named in stored state (which may be from a newer Hoist): its name if unknown. */
export function providerLabel(kind: string): string {
  return Object.hasOwn(PROVIDER_LABELS, kind) ? PROVIDER_LABELS[kind as ProviderKind] : kind;
}
