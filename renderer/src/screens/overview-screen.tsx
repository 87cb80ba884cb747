import { useState } from 'react';
import type { FolderView, StatusView } from '../../../shared/bridge/contract.js';
import { useBridge } from '../bridge/bridge-context.js';
import { ToneIcon } from '../components/tone-icon.js';
import { attentionLines, summarizeFolder } from '../folder-summary.js';
import { formatCount, formatSize, plural } from '../format.js';
import { useNavigate } from '../navigate.js';
import { filesToSync } from '../status-words.js';
import { useAppState, useFolders } from '../store/use-app-store.js';

interface Totals {
  synced: number;
  toSync: number;
  pendingFiles: number;
  pendingBytes: number;
  syncing: number;
  paused: number;
}

function totalsOf(folders: FolderView[], statuses: Readonly<Record<string, StatusView>>): Totals {
  const totals: Totals = { synced: 0, toSync: 0, pendingFiles: 0, pendingBytes: 0, syncing: 0, paused: 0 };
  for (const folder of folders) {
    const status = statuses[folder.id];
    if (!status) continue;
    const { progress } = status;
    totals.synced += status.counts.synced - status.notSynced.uploadedButUnusable;
    totals.toSync += filesToSync(status);
    totals.pendingFiles += Math.max(0, progress.filesTotal - progress.filesDone);
    totals.pendingBytes += Math.max(0, progress.bytesTotal - progress.bytesDone);
    if (progress.filesTotal > progress.filesDone) totals.syncing++;
    if (status.paused) totals.paused++;
  }
  return totals;
}

/**
 * "All folders": totals across folders, what needs attention (in each folder, with a way there),
 * every folder with its state, and Pause all / Resume all.
 */
export function OverviewScreen() {
  const bridge = useBridge();
  const navigate = useNavigate();
  const folders = useFolders();
  const statuses = useAppState((state) => state.statuses);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const totals = totalsOf(folders, statuses);
  const attention = folders
    .map((folder) => ({ folder, lines: attentionLines(folder, statuses[folder.id] ?? null) }))
    .filter((entry) => entry.lines.length > 0);
  const open = folders.filter((folder) => folder.openError === null && !folder.opening);
  const loading = open.some((folder) => !statuses[folder.id]);
  const pauseAll = (resume: boolean): void => {
    setOutcome(null);
    bridge.call(resume ? 'sync.resume' : 'sync.pause', {}).then(
      () => setOutcome({ ok: true, text: resume ? 'Every folder syncs again.' : 'Every folder is paused.' }),
      (error: Error) => setOutcome({ ok: false, text: error.message }),
    );
  };
  return (
    <section className="screen overview" aria-labelledby="overview-title">
      <h1 id="overview-title">All folders</h1>
      <p className="lead" data-testid="overview-totals">
        {plural(folders.length, 'folder', 'folders')}
        {loading ? ' · loading…' : ''} · {formatCount(totals.synced)} of{' '}
        {plural(totals.toSync, 'file', 'files')} synced
        {totals.syncing > 0
          ? ` · syncing ${plural(totals.syncing, 'folder', 'folders')}: ${plural(totals.pendingFiles, 'file', 'files')}, ${formatSize(totals.pendingBytes)} to send`
          : ''}
        {totals.paused > 0 ? ` · ${formatCount(totals.paused)} paused` : ''}
      </p>
      <div className="toolbar" role="group" aria-label="Every folder">
        {open.some((folder) => !statuses[folder.id]?.paused) && (
          <button type="button" onClick={() => pauseAll(false)}>
            Pause all
          </button>
        )}
        {totals.paused > 0 && (
          <button type="button" onClick={() => pauseAll(true)}>
            Resume all
          </button>
        )}
      </div>
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'note' : 'problem'}>
          {outcome.text}
        </p>
      )}
      <section className="panel" aria-labelledby="attention-title">
        <h2 id="attention-title">Needs attention</h2>
        {attention.length === 0 ? (
          <p className="muted">
            {loading ? 'Checking every folder…' : 'Nothing needs you: every folder is fine.'}
          </p>
        ) : (
          <ul className="attention-list">
            {attention.map(({ folder, lines }) => (
              <li key={folder.id} className="problem">
                <strong>{folder.name}</strong>
                <ul>
                  {lines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
                <div className="toolbar">
                  <button
                    type="button"
                    onClick={() => navigate({ kind: 'folder', folder: folder.id, screen: 'sync' })}
                  >
                    Open {folder.name}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="every-folder-title">
        <h2 id="every-folder-title">Every folder</h2>
        <table className="folder-table">
          <thead>
            <tr>
              <th scope="col">Folder</th>
              <th scope="col">Remote</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {folders.map((folder) => {
              const summary = summarizeFolder(folder, statuses[folder.id] ?? null);
              return (
                <tr key={folder.id}>
                  <th scope="row" title={folder.folder}>
                    <a
                      href={`#/folder/${encodeURIComponent(folder.id)}/sync`}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate({ kind: 'folder', folder: folder.id, screen: 'sync' });
                      }}
                    >
                      {folder.name}
                    </a>
                  </th>
                  <td>
                    {folder.label}
                    {folder.remoteFolder ? ` · ${folder.remoteFolder}` : ''}
                  </td>
                  <td className={`tone-${summary.tone}`}>
                    <span className="status-icon" aria-hidden="true">
                      <ToneIcon tone={summary.tone} />
                    </span>{' '}
                    {summary.short}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </section>
  );
}
