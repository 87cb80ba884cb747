import { useEffect, useState, type FormEvent } from 'react';
import type { FolderExclusionsView } from '../../../shared/bridge/contract.js';
import { useBridge } from '../bridge/bridge-context.js';
import { useFolder } from '../store/folder-context.js';

// The subfolders offered as boxes: those the remote holds from this folder, at its top.
const SUBFOLDERS_SHOWN = 200;

/**
 * Selective sync with a click: each subfolder has a box (untick: not synced; tick again: synced), and
 * file types can be left out and taken back. Every click is one `folder.exclude`, written to the
 * folder's .hoistignore (the one place for the rule, still editable below); files already on the
 * remote stay there unless deleted.
 */
export function ChooseWhatSyncs() {
  const bridge = useBridge();
  const folder = useFolder();
  const [exclusions, setExclusions] = useState<FolderExclusionsView | null>(null);
  const [subfolders, setSubfolders] = useState<string[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // A box follows the click at once; the host's answer (or its refusal) then says what holds.
  const [clicked, setClicked] = useState<{ path: string; synced: boolean } | null>(null);
  const [otherPath, setOtherPath] = useState('');
  const [fileType, setFileType] = useState('');

  useEffect(() => {
    bridge
      .call('folder.exclusions', { folder: folder.id })
      .then(setExclusions, (error: Error) => setMessage({ ok: false, text: error.message }));
    bridge
      .call('remote.page', {
        folder: folder.id,
        offset: 0,
        limit: SUBFOLDERS_SHOWN,
        filter: 'this-folder',
        // The folder's own remote folder, paths as under it: "drafts", as in the folder.
        scope: 'folder',
        path: '',
      })
      .then(
        (page) => setSubfolders(page.items.flatMap((row) => (row.folder ? [row.folder.path] : []))),
        () => setSubfolders([]),
      );
  }, [bridge, folder.id]);

  const exclude = async (change: {
    path?: string;
    fileType?: string;
    include?: boolean;
  }): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      const changed = await bridge.call('folder.exclude', { folder: folder.id, ...change });
      setExclusions(changed);
      const what = change.path ?? `.${change.fileType ?? ''} files`;
      // Included again but still left out by another rule (the person's own, a folder it is in): say so.
      const note = changed.note ?? null;
      setMessage({
        ok: note === null,
        text:
          note !== null
            ? note
            : change.include
              ? `${what} ${change.path ? 'syncs' : 'sync'} again.`
              : `${what} ${change.path ? 'is' : 'are'} no longer synced. Copies already on ${folder.label} stay until you delete them.`,
      });
      return true;
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
      return false;
    } finally {
      setBusy(false);
      setClicked(null);
    }
  };

  const excludedPaths = new Set(exclusions?.paths ?? []);
  // Every subfolder seen on the remote, and every excluded path (it may have no copy there).
  const shown = [...new Set([...(subfolders ?? []), ...(exclusions?.paths ?? [])])].sort((a, b) =>
    a.localeCompare(b),
  );
  const addPath = (event: FormEvent): void => {
    event.preventDefault();
    const path = otherPath.trim().replace(/^\/+|\/+$/g, '');
    if (path) void exclude({ path }).then((done) => done && setOtherPath(''));
  };
  const addType = (event: FormEvent): void => {
    event.preventDefault();
    const type = fileType.trim().replace(/^\*?\./, '');
    if (type) void exclude({ fileType: type }).then((done) => done && setFileType(''));
  };

  return (
    <section className="panel" aria-labelledby="what-syncs-title">
      <h2 id="what-syncs-title">Choose what syncs</h2>
      <p className="muted">
        Untick a subfolder to stop syncing it. Hoist writes the rule to this folder’s .hoistignore; copies
        already on {folder.label} stay there until you delete them.
      </p>
      {exclusions === null || subfolders === null ? (
        <p role="status">{message?.text ?? 'Loading the subfolders…'}</p>
      ) : shown.length === 0 ? (
        <p className="muted">No subfolders have been synced yet; leave one out by its path below.</p>
      ) : (
        <ul className="what-syncs" aria-label="Subfolders">
          {shown.map((path) => (
            <li key={path}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={clicked?.path === path ? clicked.synced : !excludedPaths.has(path)}
                  aria-disabled={busy}
                  onChange={(event) => {
                    if (busy) return;
                    setClicked({ path, synced: event.target.checked });
                    void exclude({ path, include: event.target.checked });
                  }}
                />
                <span className="path">{path}</span>
                {excludedPaths.has(path) && <span className="muted"> · not synced</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={addPath}>
        <label>
          Leave out a subfolder or file (its path in the folder)
          <input
            value={otherPath}
            placeholder="e.g. videos/raw"
            spellCheck={false}
            onChange={(event) => setOtherPath(event.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || otherPath.trim() === ''}>
          Leave out
        </button>
      </form>
      <h3>File types not synced</h3>
      {(exclusions?.fileTypes.length ?? 0) === 0 ? (
        <p className="muted">Every file type syncs.</p>
      ) : (
        <ul className="what-syncs" aria-label="File types not synced">
          {exclusions?.fileTypes.map((type) => (
            <li key={type}>
              <span className="path">.{type}</span>{' '}
              <button
                type="button"
                disabled={busy}
                onClick={() => void exclude({ fileType: type, include: true })}
              >
                Sync .{type} files again
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={addType}>
        <label>
          Leave out a file type
          <input
            value={fileType}
            placeholder="e.g. mp4"
            spellCheck={false}
            onChange={(event) => setFileType(event.target.value)}
          />
        </label>
        <button type="submit" disabled={busy || fileType.trim() === ''}>
          Leave out
        </button>
      </form>
      {message && exclusions !== null && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'note' : 'problem'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
