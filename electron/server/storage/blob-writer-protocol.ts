import type { Placement, PlacementResult } from './blob-placement.js';

/** Messages between blob-writer.ts and blob-writer-worker.ts. */
export interface ToBlobWriter {
  id: number;
  root: string;
  fsync: boolean;
  placements: Placement[];
}

export type FromBlobWriter = { op: 'ready' } | { op: 'placed'; id: number; results: PlacementResult[] };
