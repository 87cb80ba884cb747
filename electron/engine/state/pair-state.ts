import { ActivityLog } from './activity-log.js';
import { ActivityPages } from './activity-page.js';
import { LocalFiles } from './local-files.js';
import { PairSettingsStore } from './pair-settings.js';
import { RemoteBrowse } from './remote-browse.js';
import { RemoteMirror } from './remote-mirror.js';
import { listProcessingFailures, type ProcessingFailure } from './remote-processing.js';
import { openStateDb } from './state-db.js';

/** Everything one sync pair keeps in its SQLite file. */
export interface PairState {
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

export function openPairState(file: string): PairState {
  const db = openStateDb(file);
  const settings = new PairSettingsStore(db);
  return {
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
