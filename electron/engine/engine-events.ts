import { EventEmitter } from 'node:events';
import type { ActivityEntry, EngineState, SyncErrorInfo, SyncProgress } from '../../shared/sync-types.js';

/** Everything the engine pushes, emitted only after the DB change it describes has committed. */
export interface EngineEventMap {
  state: [EngineState];
  progress: [SyncProgress];
  activity: [ActivityEntry];
  /** A problem that needs the user (auth, watching fell back to rescans, refused mass deletion). */
  problem: [SyncErrorInfo];
  /** The local file table or the remote mirror changed: views should re-query. */
  changed: [{ local: boolean; remote: boolean }];
}

export class EngineEvents extends EventEmitter<EngineEventMap> {}
