import { useEffect, useState } from 'react';
import type { DeletionOutcomeView, DeletionProgressView } from '../../../shared/bridge/contract.js';
import type { RemoteSelection, RemoteSelectionSummary } from '../../../shared/remote-browse.js';
import { useBridge, useBridgeEvent } from '../bridge/bridge-context.js';
import { Dialog } from '../components/dialog.js';
import { useFolderId } from '../store/folder-context.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatSize, plural } from '../format.js';

type Phase =
  | { kind: 'loading' }
  | { kind: 'confirm'; summary: RemoteSelectionSummary }
  | { kind: 'running'; progress: DeletionProgressView | null }
  | { kind: 'done'; outcome: DeletionOutcomeView }
  | { kind: 'error'; message: string };

/**
 * Deleting remote files: asks naming the count, the size, how many are still in the folder (offering
 * .hoistignore in the same step) and how many came from elsewhere; then shows progress and the outcome.
 */
export function DeleteDialog({
  selection,
  remoteLabel,
  onClose,
}: {
  selection: RemoteSelection;
  remoteLabel: string;
  onClose: (deleted: boolean) => void;
}) {
  const bridge = useBridge();
  const folder = useFolderId();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [addToIgnore, setAddToIgnore] = useState(false);
  useEffect(() => {
    bridge.call('remote.summary', { folder, selection }).then(
      (summary) => setPhase({ kind: 'confirm', summary }),
      (error: Error) => setPhase({ kind: 'error', message: error.message }),
    );
    // Read once: the selection is fixed for the life of the dialog.
  }, [bridge]);
  useBridgeEvent('deletion', (event) => {
    if (event.folder !== folder) return;
    const { progress } = event;
    setPhase((current) => (current.kind === 'running' ? { kind: 'running', progress } : current));
  });

  const start = (): void => {
    setPhase({ kind: 'running', progress: null });
    bridge.call('remote.delete', { folder, selection, addToIgnore }).then(
      (outcome) => setPhase({ kind: 'done', outcome }),
      (error: Error) => setPhase({ kind: 'error', message: error.message }),
    );
  };

  if (phase.kind === 'loading') {
    return (
      <Dialog title="Delete from the remote" role="alertdialog" onClose={() => onClose(false)}>
        <p role="status">Counting the selected files…</p>
      </Dialog>
    );
  }
  if (phase.kind === 'error') {
    return (
      <Dialog title="Delete from the remote" role="alertdialog" onClose={() => onClose(false)}>
        <p role="alert">{phase.message}</p>
        <div className="dialog-actions">
          <button type="button" autoFocus onClick={() => onClose(false)}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  if (phase.kind === 'confirm') {
    const { summary } = phase;
    return (
      <Dialog
        title={`Delete ${plural(summary.count, 'file', 'files')} from ${remoteLabel}?`}
        role="alertdialog"
        onClose={() => onClose(false)}
      >
        <p>
          {plural(summary.count, 'file', 'files')}, {formatSize(summary.bytes)} in all, will be deleted from{' '}
          {remoteLabel}. This cannot be undone.
        </p>
        {summary.stillInFolder > 0 && (
          <div className="note">
            <p>
              {plural(summary.stillInFolder, 'of them is', 'of them are')} still in the folder, so Hoist will
              upload {summary.stillInFolder === 1 ? 'it' : 'them'} again.
            </p>
            <label>
              <input
                type="checkbox"
                checked={addToIgnore}
                onChange={(event) => setAddToIgnore(event.target.checked)}
              />
              Add {summary.stillInFolder === 1 ? 'it' : 'them'} to .hoistignore so{' '}
              {summary.stillInFolder === 1 ? 'it stays' : 'they stay'} off the remote
            </label>
          </div>
        )}
        {summary.notFromThisFolder > 0 && (
          <p className="note">
            {plural(summary.notFromThisFolder, 'of them was', 'of them were')} not uploaded from this folder.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" autoFocus onClick={() => onClose(false)}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={start}>
            Delete {plural(summary.count, 'file', 'files')}
          </button>
        </div>
      </Dialog>
    );
  }
  if (phase.kind === 'running') {
    const progress = phase.progress;
    return (
      <Dialog
        title="Deleting…"
        role="alertdialog"
        onClose={() => void bridge.call('remote.cancelDelete', { folder })}
      >
        <ProgressBar label="Deletion progress" value={progress?.done ?? 0} max={progress?.total ?? 1} />
        <p role="status">
          {progress
            ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} done`
            : 'Starting…'}
        </p>
        <div className="dialog-actions">
          <button type="button" autoFocus onClick={() => void bridge.call('remote.cancelDelete', { folder })}>
            Stop deleting
          </button>
        </div>
      </Dialog>
    );
  }
  const { outcome } = phase;
  return (
    <Dialog title="Deletion finished" role="alertdialog" onClose={() => onClose(outcome.deleted > 0)}>
      <p role="status">
        Deleted {plural(outcome.deleted, 'file', 'files')}.
        {outcome.failures.length > 0
          ? ` ${plural(outcome.failures.length, 'file', 'files')} could not be deleted.`
          : ''}
        {outcome.cancelled ? ` Stopped before ${plural(outcome.notTried, 'file', 'files')}.` : ''}
        {outcome.addedToIgnore > 0
          ? ` Added ${plural(outcome.addedToIgnore, 'path', 'paths')} to .hoistignore.`
          : ''}
      </p>
      {outcome.failures.length > 0 && (
        <ul className="file-problems">
          {outcome.failures.map((failure) => (
            <li key={failure.path}>
              <strong className="path">{failure.path}</strong>: {failure.message}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={() => onClose(outcome.deleted > 0)}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
