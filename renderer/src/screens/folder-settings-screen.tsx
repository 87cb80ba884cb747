import { useFolder } from '../store/folder-context.js';
import { ChooseWhatSyncs } from './choose-what-syncs.js';
import { IgnoreEditor } from './ignore-editor.js';
import { PairForm } from './pair-form.js';
import { RemoveFolder } from './remove-folder.js';
import { SyncOptions } from './sync-options.js';

/** One folder's settings: its remote and token, sync options, what syncs, .hoistignore, removing it. */
export function FolderSettingsScreen() {
  const folder = useFolder();
  const open = folder.openError === null && !folder.opening;
  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {folder.openError !== null && (
        <div className="problem" role="alert">
          <p>
            <strong>{folder.name} could not be opened.</strong> {folder.openError}
          </p>
        </div>
      )}
      <PairForm key={folder.id} editing={folder} />
      {open && <SyncOptions />}
      {open && <ChooseWhatSyncs />}
      {open && <IgnoreEditor />}
      <RemoveFolder />
    </section>
  );
}
