import type { ProviderKind } from './sync-types.js';

/**
 * What one kind of remote is and can do, stated once: the CLI, the hosts, the providers, the window
 * and the tray read it here instead of keeping their own copy (issue 17). No Node, no DOM: the
 * renderer imports it too.
 */
export interface ProviderFacts {
  kind: ProviderKind;
  /** As people know it: in messages, the tray, notifications, Settings and `hoist status`. */
  label: string;
  /**
   * Its remote asks for an API token. `local` does not: without a URL it is the embedded remote,
   * which makes its own token each run (a `hoist remote` given by URL is a test server; connecting
   * to it still looks for a token the way every remote does).
   */
  needsToken: boolean;
  /** The API has a way to delete a stored file (Composio's has none). */
  canDelete: boolean;
  /** The address used when none is given (left empty in Settings, no `--remote`); null: none. */
  defaultUrl: string | null;
  /**
   * The largest file one upload can carry, in bytes; null where the remote sets its own limit.
   * Alloy, Composio and the reference remote hand out presigned S3-style PUTs: 5 GiB is S3's limit
   * for a single PUT (and the reference server's default `--max-size`). Open WebUI takes the body
   * itself, up to its server's FILE_MAX_SIZE, which Hoist cannot know.
   */
  largestUpload: number | null;
  /** The listing comes in pages (Composio's cursor), or as one streamed answer (the others). */
  pagedListing: boolean;
}

const FIVE_GIB = 5 * 1024 ** 3;

export const PROVIDERS: { readonly [K in ProviderKind]: ProviderFacts & { kind: K } } = {
  local: {
    kind: 'local',
    label: 'This computer',
    needsToken: false,
    canDelete: true,
    defaultUrl: null,
    largestUpload: FIVE_GIB,
    pagedListing: false,
  },
  alloy: {
    kind: 'alloy',
    label: 'Alloy',
    needsToken: true,
    canDelete: true,
    defaultUrl: 'https://production.runalloy.com',
    largestUpload: FIVE_GIB,
    pagedListing: false,
  },
  composio: {
    kind: 'composio',
    label: 'Composio',
    needsToken: true,
    canDelete: false,
    defaultUrl: 'https://backend.composio.dev',
    largestUpload: FIVE_GIB,
    pagedListing: true,
  },
  openwebui: {
    kind: 'openwebui',
    label: 'Open WebUI',
    needsToken: true,
    canDelete: true,
    defaultUrl: null,
    largestUpload: null,
    pagedListing: false,
  },
};

/** Every kind, in the order Settings and `--provider`'s help list them. */
export const PROVIDER_KINDS: readonly ProviderKind[] = ['local', 'alloy', 'composio', 'openwebui'];

/** Whether a name (from a flag, a stored file of a newer Hoist) is a kind this Hoist knows. */
export function isProviderKind(name: string): name is ProviderKind {
  return Object.hasOwn(PROVIDERS, name);
}

/** The label for a provider named in stored state (which may be from a newer Hoist): its name if unknown. */
export function providerLabel(kind: string): string {
  return isProviderKind(kind) ? PROVIDERS[kind].label : kind;
}
