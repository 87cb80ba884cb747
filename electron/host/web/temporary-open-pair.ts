/* eslint-disable no-restricted-imports -- Temporary, until the lead's electron/host/open-pair.ts (issue
   8) lands: it moves the remote connection and pair location out of the CLI into host/. Until then
   this one file borrows them from the CLI, the same assembly `hoist sync` does, so swapping it later is
   one import. */
import { HasherPool } from '../../engine/hash/hasher-pool.js';
import { openPairState } from '../../engine/state/pair-state.js';
import { SyncEngine } from '../../engine/sync-engine.js';
import { SyncService } from '../../engine/sync-service.js';
import type { PairSettings, ProviderKind } from '../../../shared/sync-types.js';
import { pairStateFile } from '../../cli/pair-location.js';
import { connectRemote } from '../../cli/remote-connection.js';

export interface OpenPairConfig {
  folder: string;
  provider: ProviderKind;
  remoteUrl?: string;
  remoteFolder?: string;
  stateRoot: string;
  token?: string;
  overrides?: Partial<PairSettings>;
}

export interface OpenedPair {
  service: SyncService;
  pairId: string;
  label: string;
  close(): Promise<void>;
}

/** Opens one pair: connects the remote, opens its state DB, builds engine and service. */
export async function openPair(config: OpenPairConfig): Promise<OpenedPair> {
  const connection = await connectRemote({
    provider: config.provider,
    remote: config.remoteUrl,
    stateRoot: config.stateRoot,
    token: config.token,
  });
  let state;
  let stateFile: string;
  try {
    stateFile = await pairStateFile(config.stateRoot, config.folder, config.provider, connection.remoteUrl);
    state = openPairState(stateFile);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const hasher = new HasherPool();
  state.settings.setFact('folder', config.folder);
  state.settings.setFact('provider', config.provider);
  state.settings.setFact('remote', connection.remoteUrl);
  const engine = new SyncEngine({
    root: config.folder,
    state,
    provider: connection.provider,
    hasher,
    ignoreAbsolutePaths: [config.stateRoot],
    ...(config.overrides ? { settings: config.overrides } : {}),
  });
  const service = new SyncService(engine, state);
  const url = connection.remoteUrl;
  return {
    service,
    pairId: stateFile,
    label: `${connection.provider.info.label}${url.startsWith('http') ? ` (${url})` : ''}`,
    close: async () => {
      await service.stop();
      await hasher.close();
      state.close();
      await connection.close();
    },
  };
}
