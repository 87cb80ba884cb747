import { useState } from 'react';
import { Dialog } from '../components/dialog.js';
import { useNavigate } from '../navigate.js';
import { useFolder } from '../store/folder-context.js';
import { useAppCommand } from '../store/use-app-store.js';

/**
 * Remove a folder from Hoist: it stops syncing, its files and their remote copies stay. Removing
 * what Hoist knows about it (its state: the list of what was uploaded, the activity) is a second,
 * explicit choice in the same dialog, off unless ticked.
 */
export function RemoveFolder() {
  const folder = useFolder();
  const run = useAppCommand();
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const [removeState, setRemoveState] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = (): void => {
    setBusy(true);
    setError(null);
    run('folders.remove', { folder: folder.id, ...(removeState ? { removeState } : {}) }).then(
      () => navigate({ kind: 'all' }),
      (failure: Error) => {
        setBusy(false);
        setError(failure.message);
      },
    );
  };
  return (
    <section className="panel" aria-labelledby="remove-title">
      <h2 id="remove-title">Remove this folder</h2>
      <p className="muted">
        Hoist stops syncing {folder.name}. The folder and its files stay on this computer, and the copies on{' '}
        {folder.label} stay there.
      </p>
      <div className="toolbar">
        <button type="button" className="danger" onClick={() => setAsking(true)}>
          Remove {folder.name}…
        </button>
      </div>
      {asking && (
        <Dialog
          title={`Remove ${folder.name} from Hoist?`}
          role="alertdialog"
          onClose={() => setAsking(false)}
        >
          <p>
            Hoist stops syncing <strong className="path">{folder.folder}</strong>. Nothing is deleted: the
            files stay in the folder, and their copies stay on {folder.label}
            {folder.remoteFolder ? ` under ${folder.remoteFolder}` : ''}.
          </p>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={removeState}
              onChange={(event) => setRemoveState(event.target.checked)}
            />
            Also forget what Hoist knows about it (which files were uploaded, its activity). Adding it again
            later then checks every file anew.
          </label>
          {error && <p role="alert">{error}</p>}
          <div className="dialog-actions">
            <button type="button" data-autofocus onClick={() => setAsking(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={remove} disabled={busy}>
              {removeState ? 'Remove and forget' : 'Remove folder'}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
