import { ActivityLog } from './activity-log.js';
import { LocalFiles } from './local-files.js';
import { PairSettingsStore } from './pair-settings.js';
import { RemoteMirror } from './remote-mirror.js';
import { openStateDb, type Db } from './state-db.js';

/** Everything one sync pair keeps in its SQLite file. */
export interface PairState {
  db: Db;
  files: LocalFiles;
  mirror: RemoteMirror;
  activity: ActivityLog;
  settings: PairSettingsStore;
  close(): void;
}

export function openPairState(file: string): PairState {
  const db = openStateDb(file);
  const settings = new PairSettingsStore(db);
  return {
    db,
    files: new LocalFiles(db),
    mirror: new RemoteMirror(db, settings),
    activity: new ActivityLog(db),
    settings,
    close: () => db.close(),
  };
}
