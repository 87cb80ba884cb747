import { EventEmitter } from 'node:events';
import type { EngineEventMap } from '../../shared/sync-types.js';

export type { EngineEventMap } from '../../shared/sync-types.js';

export class EngineEvents extends EventEmitter<EngineEventMap> {}
