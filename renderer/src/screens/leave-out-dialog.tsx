import { useId, useState } from 'react';
import { useBridge } from '../bridge/bridge-context.js';
import { Dialog } from '../components/dialog.js';
import { leaveOutChoices } from '../leave-out-choices.js';
import { useFolder } from '../store/folder-context.js';

type Phase =
  { kind: 'choose' } | { kind: 'saving' } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

/**
 * "Leave out" from the Sync screen: choose what stops syncing (the subfolder, the file, or its type),
 * read what stays on the remote, confirm. The same `folder.exclude` as Settings → Choose what syncs,
 * written to the folder's .hoistignore.
 */
export function LeaveOutDialog({ path, onClose }: { path: string; onClose: () => void }) {
  const bridge = useBridge();
  const folder = useFolder();
  const choices = leaveOutChoices(path);
  const [chosen, setChosen] = useState(0);
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const name = useId();
  const choice = choices[chosen] ?? choices[0];

  const confirm = (): void => {
    if (!choice) return;
    setPhase({ kind: 'saving' });
    bridge.call('folder.exclude', { folder: folder.id, ...choice.change }).then(
      () =>
        setPhase({
          kind: 'done',
          text: `Hoist no longer syncs ${choice.what}. Copies already on ${folder.label} stay there until you delete them in Remote files; nothing is deleted from this computer.`,
        }),
      (error: Error) => setPhase({ kind: 'error', text: error.message }),
    );
  };

  if (phase.kind === 'done' || phase.kind === 'error') {
    return (
      <Dialog title="Leave out of syncing" role="alertdialog" onClose={onClose}>
        <p role={phase.kind === 'done' ? 'status' : 'alert'}>{phase.text}</p>
        <div className="dialog-actions">
          <button type="button" data-autofocus onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Leave out of syncing" onClose={onClose}>
      <fieldset className="choices" disabled={phase.kind === 'saving'}>
        <legend>What should Hoist stop syncing?</legend>
        {choices.map((entry, index) => (
          <label key={entry.label} className="radio">
            <input type="radio" name={name} checked={index === chosen} onChange={() => setChosen(index)} />
            <span className="path">{entry.label}</span>
          </label>
        ))}
      </fieldset>
      <p className="note">
        Copies already on {folder.label} stay there until you delete them in Remote files, and nothing is
        deleted from this computer. The rule goes into this folder’s .hoistignore (Settings → Choose what
        syncs takes it back).
      </p>
      {phase.kind === 'saving' && <p role="status">Leaving it out…</p>}
      <div className="dialog-actions">
        <button type="button" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" disabled={phase.kind === 'saving'} onClick={confirm}>
          Leave out {choice?.what ?? ''}
        </button>
      </div>
    </Dialog>
  );
}
