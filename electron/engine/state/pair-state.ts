import type { PairSettings } from '../../../shared/sync-types.js';
import { ActivityLog } from './activity-log.js';
import { ActivityPages } from './activity-page.js';
import { LocalFiles } from './local-files.js';
import { PairSettingsStore } from './pair-settings.js';
import { RemoteBrowse } from './remote-browse.js';
import { RemoteMirror } from './remote-mirror.js';
import { guardDb } from './guarded-db.js';
import { listProcessingFailures, type ProcessingFailure } from './remote-processing.js';
import { openStateDb } from './state-db.js';
import type { SyncError } from '../sync-error.js';
import { stateFailure } from './state-failure.js';

/** Everything one sync pair keeps in its SQLite file. */
export interface PairState {
  /** The SQLite file, for messages that must say where the state is. */
  readonly file: string;
  /**
   * The first SQLite error any part met since open, worded for the user (state-failure.ts): after
   * one, the state is no longer trusted and the run stops. Null while all is well.
   */
  readonly failure: SyncError | null;
  /** Called once, at the first SQLite error. */
  onFailure(listener: (failure: SyncError) => void): void;
  /** Runs `work` in one transaction: the only way in, so no caller holds the raw DB handle. */
  transaction<T>(work: () => T): T;
  files: LocalFiles;
  mirror: RemoteMirror;
  activity: ActivityLog;
  settings: PairSettingsStore;
  /** The UI's read-only views: the remote list filtered and joined with local state, activity pages. */
  browse: RemoteBrowse;
  activityPages: ActivityPages;
  /** This folder's files the remote stored but could not process (remote-processing.ts). */
  processingFailures(remoteLabel: string, limit?: number): ProcessingFailure[];
  close(): void;
}

export function openPairState(
  file: string,
  options: {
    onSettingsWritten?: (stored: Partial<PairSettings>) => void;
    /**
     * SQLite's quick_check at open (the default): a sync must not act on a damaged state. A quick look
     * (`hoist status`, the list of a pair another process syncs) skips it: it reads the whole file.
     */
    quickCheck?: boolean;
  } = {},
): PairState {
  let failure: SyncError | null = null;
  const listeners: Array<(failure: SyncError) => void> = [];
  const db = guardDb(openStateDb(file, { quickCheck: options.quickCheck ?? true }), (error) => {
    if (failure !== null) return;
    failure = stateFailure(file, error);
    for (const listener of listeners) listener(failure);
  });
  const settings = new PairSettingsStore(db, options.onSettingsWritten);
  return {
    file,
    get failure() {
      return failure;
    },
    onFailure: (listener) => listeners.push(listener),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
    files: new LocalFiles(db),
    mirror: new RemoteMirror(db, settings),
    activity: new ActivityLog(db),
    settings,
    browse: new RemoteBrowse(db),
    activityPages: new ActivityPages(db),
    processingFailures: (remoteLabel, limit) => listProcessingFailures(db, remoteLabel, limit),
    close: () => db.close(),
  };
}
