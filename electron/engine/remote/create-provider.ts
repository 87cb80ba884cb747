import { isControlCharacter } from '../../../shared/remote-filename.js';
import { PROVIDERS, isProviderKind } from '../../../shared/providers.js';
import type { ProviderKind } from '../../../shared/sync-types.js';
import type { Clock } from '../../base/clock.js';
import { SyncError } from '../sync-error.js';
import { remoteUrl } from './remote-address.js';
import type { RemoteProvider } from './remote-provider.js';

export interface ProviderConfig {
  kind: ProviderKind;
  /** The API's address; for `local`, the URL of the reference server the host started. */
  baseUrl: string;
  token: string;
  /** Composio only: where the files go. Defaults 'hoist' / 'sync'. */
  composio?: { toolkitSlug: string; toolSlug: string };
  /** Connections per origin. Default 8. */
  maxConnections?: number;
  /** The engine's clock, for the HTTP client's waits. Default the system clock. */
  clock?: Clock;
  /**
   * The longest silence inside an answer before a request is given up as stalled; the remote gets
   * twice as long to start an answer (or to take more of an upload). Default 30 s (so 60 s).
   */
  stallTimeoutMs?: number;
}

/**
 * The provider for a configuration. Rejects with SyncError('config') for a missing token or an
 * address that is not an http(s) URL, so the mistake is reported before any request.
 *
 * Each provider's module (and its schemas) is imported when a provider of that kind is made: a run
 * loads only the one it uses, where loading all three cost every start about 0.03-0.04 s of CPU
 * (docs/benchmarks.md, Start-up).
 */
export async function createProvider(config: ProviderConfig): Promise<RemoteProvider> {
  if (!isProviderKind(config.kind))
    throw new SyncError('config', `Hoist does not know the remote kind "${String(config.kind)}".`);
  const label = PROVIDERS[config.kind].label;
  remoteUrl(config.baseUrl, label, { base: true });
  if (config.token.trim() === '') {
    throw new SyncError('config', `No API token for ${label}. Add it in Settings.`, {
      reason: 'missing-token',
    });
  }
  // undici refuses such a header with an error about arguments, which would read as a bad address.
  if ([...config.token].some((character) => isControlCharacter(character.charCodeAt(0)))) {
    throw new SyncError(
      'config',
      `The API token for ${label} contains a line break or another control character, which no request can carry; set it again without it.`,
    );
  }
  const common = {
    baseUrl: config.baseUrl,
    token: config.token,
    ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
    ...(config.clock !== undefined ? { clock: config.clock } : {}),
    ...(config.stallTimeoutMs !== undefined
      ? { bodyTimeoutMs: config.stallTimeoutMs, headersTimeoutMs: 2 * config.stallTimeoutMs }
      : {}),
  };
  switch (config.kind) {
    case 'local':
    case 'alloy': {
      const { AlloyProvider } = await import('./alloy-provider.js');
      return new AlloyProvider({ ...common, kind: config.kind, label });
    }
    case 'composio': {
      const { ComposioProvider } = await import('./composio-provider.js');
      return new ComposioProvider({
        ...common,
        ...(config.composio
          ? { toolkitSlug: config.composio.toolkitSlug, toolSlug: config.composio.toolSlug }
          : {}),
      });
    }
    case 'openwebui': {
      const { OpenWebUiProvider } = await import('./openwebui-provider.js');
      return new OpenWebUiProvider(common);
    }
  }
}
