import { useMemo, useRef } from 'react';
import type { AppView, StatusView } from '../../../shared/bridge/contract.js';
import { useBridge } from '../bridge/bridge-context.js';
import { ProgressBar } from '../components/progress-bar.js';
import { EtaEstimator } from '../eta.js';
import { formatSize, formatWhen, middleTruncate } from '../format.js';
import { filesToSync, statusCounts, statusSentence, TONE_ICON } from '../status-words.js';
import { ActivityLog } from './activity-log.js';
import { ConflictList } from './conflict-list.js';
import { ProblemList } from './problem-list.js';
import { NotSyncedList } from './not-synced-list.js';

/** Tomorrow at 09:00, local time: "pause until tomorrow". */
function tomorrowMorning(now = new Date()): number {
  const next = new Date(now);
  next.setDate(now.getDate() + 1);
  next.setHours(9, 0, 0, 0);
  return next.getTime();
}

/** The sync window: state in words, progress, problems with their actions, failures, conflicts, activity. */
export function SyncScreen({
  app,
  status,
  onOpenSettings,
}: {
  app: AppView;
  status: StatusView | null;
  onOpenSettings: () => void;
}) {
  const bridge = useBridge();
  const estimator = useRef(new EtaEstimator());
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
  const act = (command: 'sync.resume' | 'sync.now'): void =>
    void bridge.call(command, {}).catch(() => undefined);
  const pause = (until?: number): void =>
    void bridge.call('sync.pause', until === undefined ? {} : { until }).catch(() => undefined);
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
            {TONE_ICON[sentence.tone]}
          </span>
          <span data-testid="status-text">{sentence.text}</span>
        </p>
        <p className="status-sub" data-testid="status-counts">
          {app.pair?.folder} → {app.pair?.label} · {statusCounts(status)} · last synced{' '}
          {formatWhen(status.lastSyncAt)}
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
              </li>
            ))}
          </ul>
        )}
        <div className="toolbar" role="group" aria-label="Sync controls">
          {status.paused ? (
            <button type="button" onClick={() => act('sync.resume')}>
              Resume
            </button>
          ) : (
            <>
              <button type="button" onClick={() => pause()}>
                Pause
              </button>
              <button type="button" onClick={() => pause(Date.now() + 3600_000)}>
                Pause for 1 hour
              </button>
              <button type="button" onClick={() => pause(tomorrowMorning())}>
                Pause until tomorrow
              </button>
            </>
          )}
          <button type="button" className="primary" onClick={() => act('sync.now')}>
            Sync now
          </button>
          {app.desktop && (
            <button
              type="button"
              onClick={() => void bridge.call('desktop.openFolder', {}).catch(() => undefined)}
            >
              Open folder
            </button>
          )}
        </div>
      </header>
      <ProblemList problems={status.problems} onOpenSettings={onOpenSettings} />
      <NotSyncedList counts={status.notSynced} canShow={app.desktop !== null} />
      <ConflictList count={status.counts.conflict} canShow={app.desktop !== null} />
      <ActivityLog />
    </section>
  );
}
