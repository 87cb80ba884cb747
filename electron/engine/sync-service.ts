import type {
  ActivityEntry,
  PairSettings,
  RemoteListPage,
  RemoteListQuery,
  SyncStatus,
} from '../../shared/sync-types.js';
import type { EngineEventMap } from './engine-events.js';
import type { DeletionOutcome } from './mirrored-deletions.js';
import { deleteRemoteFiles, type RemoteDeleteResult } from './remote-deletion.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { PairState } from './state/pair-state.js';
import type { SyncEngine } from './sync-engine.js';

/**
 * The one facade hosts use (CLI, desktop main, web host): typed commands over one pair's engine, and
 * its events. Reads come from the DB, never the network, so every host shows the same truth.
 */
export class SyncService {
  constructor(
    private readonly engine: SyncEngine,
    private readonly state: PairState,
    private readonly provider: RemoteProvider,
    private readonly now: () => number = Date.now,
  ) {}

  status(): SyncStatus {
    return this.engine.status();
  }

  listRemote(query: RemoteListQuery = {}): RemoteListPage {
    return this.state.mirror.page(query);
  }

  activity(limit = 100): ActivityEntry[] {
    return this.state.activity.recent(limit);
  }

  pause(): void {
    this.engine.pause();
  }

  resume(): void {
    this.engine.resume();
  }

  syncNow(): Promise<void> {
    return this.engine.syncNow();
  }

  async deleteRemote(keys: readonly string[]): Promise<RemoteDeleteResult[]> {
    const results = await deleteRemoteFiles(keys, this.state, this.provider, this.now);
    this.engine.events.emit('changed', { local: true, remote: true });
    return results;
  }

  confirmDeletions(): Promise<DeletionOutcome> {
    return this.engine.confirmDeletions();
  }

  settings(): PairSettings {
    return this.engine.currentSettings;
  }

  updateSettings(patch: Partial<PairSettings>): PairSettings {
    return this.engine.updateSettings(patch);
  }

  on<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): () => void {
    const events = this.engine.events as unknown as {
      on(event: K, listener: (...args: EngineEventMap[K]) => void): void;
      off(event: K, listener: (...args: EngineEventMap[K]) => void): void;
    };
    events.on(event, listener);
    return () => events.off(event, listener);
  }
}
