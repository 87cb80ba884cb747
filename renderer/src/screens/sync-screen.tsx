import { useMemo, useRef, useState } from 'react';
import { ProgressBar } from '../components/progress-bar.js';
import { EtaEstimator } from '../eta.js';
import { formatSize, formatWhen, middleTruncate } from '../format.js';
import { filesToSync, statusCounts, statusSentence } from '../status-words.js';
import { ToneIcon } from '../components/tone-icon.js';
import { useFolderStatus } from '../store/folder-context.js';
import { useAppState } from '../store/use-app-store.js';
import { ActivityLog } from './activity-log.js';
import { ConflictList } from './conflict-list.js';
import { LeaveOutButton } from './leave-out-button.js';
import { LeaveOutDialog } from './leave-out-dialog.js';
import { NotSyncedList } from './not-synced-list.js';
import { ProblemList } from './problem-list.js';
import { SyncControls } from './sync-controls.js';

/** The sync window: state in words, progress, problems with their actions, failures, conflicts, activity. */
export function SyncScreen({ onOpenSettings }: { onOpenSettings: () => void }) {
  const desktop = useAppState((state) => state.app?.desktop ?? null);
  const status = useFolderStatus();
  const estimator = useRef(new EtaEstimator());
  // The file whose "Leave out…" was chosen (in the uploads now or the activity), while its dialog is open.
  const [leavingOut, setLeavingOut] = useState<string | null>(null);
  const eta = useMemo(() => (status ? estimator.current.update(status.progress) : null), [status]);
  if (!status) {
    return (
      <section className="screen">
        <h1>Sync</h1>
        <p role="status">Loading the sync status…</p>
      </section>
    );
  }
  const sentence = statusSentence(status, eta);
  const { progress } = status;
  const syncing = progress.filesTotal > progress.filesDone;
  return (
    <section className="screen sync-screen" aria-labelledby="sync-title">
      <header className={`status-header tone-${sentence.tone}`}>
        <h1 id="sync-title" className="visually-hidden">
          Sync
        </h1>
        <p className="status-line" role="status" aria-live="polite">
          <span className="status-icon" aria-hidden="true">
            <ToneIcon tone={sentence.tone} />
          </span>
          <span data-testid="status-text">{sentence.text}</span>
        </p>
        <p className="status-sub" data-testid="status-counts">
          {statusCounts(status)} · last synced {formatWhen(status.lastSyncAt)}
        </p>
        <ProgressBar
          label="Overall progress"
          // Bytes and files both count: a batch of small files moves the bar too.
          value={syncing ? progress.bytesDone + progress.filesDone : status.counts.synced}
          max={syncing ? progress.bytesTotal + progress.filesTotal : Math.max(1, filesToSync(status))}
        />
        {syncing && (
          <p className="status-sub">
            {formatSize(progress.bytesDone)} of {formatSize(progress.bytesTotal)} sent
          </p>
        )}
        {(progress.inFlight?.length ?? 0) > 0 && (
          <ul className="in-flight" aria-label="Uploading now">
            {progress.inFlight?.map((file) => (
              <li key={file.path}>
                <span className="path">{middleTruncate(file.path, 60)}</span>
                <ProgressBar label={`Uploading ${file.path}`} value={file.bytesDone} max={file.bytesTotal} />
                <span className="muted">
                  {formatSize(file.bytesDone)} of {formatSize(file.bytesTotal)}
                </span>
                <LeaveOutButton path={file.path} onLeaveOut={setLeavingOut} />
              </li>
            ))}
          </ul>
        )}
        <SyncControls status={status} />
      </header>
      <ProblemList problems={status.problems} onOpenSettings={onOpenSettings} />
      <NotSyncedList counts={status.notSynced} canShow={desktop !== null} />
      <ConflictList count={status.counts.conflict} canShow={desktop !== null} />
      <ActivityLog onLeaveOut={setLeavingOut} />
      {leavingOut !== null && <LeaveOutDialog path={leavingOut} onClose={() => setLeavingOut(null)} />}
    </section>
  );
}
