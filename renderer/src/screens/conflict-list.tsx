import { useState } from 'react';
import type { ConflictResolution, ConflictView } from '../../../shared/sync-types.js';
import { useBridge, useQuery, useThrottled } from '../bridge/bridge-context.js';
import { useFolderChanged, useFolderId } from '../store/folder-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ShowInFolder } from '../components/show-in-folder.js';
import { formatExact, formatSize, formatWhen } from '../format.js';

const CHOICES: Array<{ resolution: ConflictResolution; label: string }> = [
  { resolution: 'keep-both', label: 'Keep both' },
  { resolution: 'replace', label: 'Replace the remote copy' },
  { resolution: 'ignore', label: 'Ignore' },
];

/** The other side of a conflict, in words. */
function otherSide(conflict: ConflictView) {
  if (conflict.kind === 'same-name') {
    return (
      <>
        <dt>Also in the folder</dt>
        <dd>{conflict.otherPath ?? 'another file with the same remote name'}</dd>
      </>
    );
  }
  return (
    <>
      <dt>On the remote as “{conflict.remoteName}”</dt>
      <dd>
        {conflict.remote ? (
          <>
            {formatSize(conflict.remote.size)}, changed{' '}
            <time title={formatExact(conflict.remote.lastModified)}>
              {formatWhen(conflict.remote.lastModified)}
            </time>
            {conflict.remote.origin ? ` · from ${conflict.remote.origin}` : ' · not from this folder'}
          </>
        ) : (
          'no longer listed'
        )}
      </dd>
    </>
  );
}

/** The copy "Replace" would lose, in words: its name, size, date and who put it there. */
function copyLost(conflict: ConflictView): string {
  if (conflict.kind === 'same-name') {
    return `the remote copy of ${conflict.otherPath ?? 'the other file with this remote name'}, stored under the same name “${conflict.remoteName}”`;
  }
  const remote = conflict.remote;
  if (!remote) return `the remote file “${conflict.remoteName}”`;
  const facts = [
    remote.size === null ? null : formatSize(remote.size),
    remote.lastModified === null ? null : `changed ${formatWhen(remote.lastModified)}`,
    remote.origin ? `from ${remote.origin}` : 'not from this folder',
  ].filter((fact) => fact !== null);
  return `the remote file “${conflict.remoteName}” (${facts.join(', ')})`;
}

/** Conflicts, each with both sides and its choices: keep both, replace the remote copy, ignore. */
export function ConflictList({ count, canShow }: { count: number; canShow: boolean }) {
  const bridge = useBridge();
  const folder = useFolderId();
  const conflicts = useQuery(() => bridge.call('conflicts.list', { folder }), [bridge, folder, count]);
  const [outcome, setOutcome] = useState<string | null>(null);
  // "Replace" loses the other copy: asked first, naming it. Keep both and Ignore lose nothing.
  const [replacing, setReplacing] = useState<ConflictView | null>(null);
  const reload = useThrottled(conflicts.reload, 2000);
  useFolderChanged((change) => (change.local || change.remote) && reload());
  const rows = (conflicts.data ?? []).filter((conflict) => !conflict.ignored);
  if (rows.length === 0 && outcome === null) return null;
  const resolve = (path: string, resolution: ConflictResolution): Promise<void> =>
    bridge.call('conflicts.resolve', { folder, path, resolution }).then(
      (result) => {
        setOutcome(result.message);
        conflicts.reload();
      },
      (error: Error) => setOutcome(error.message),
    );
  return (
    <section className="panel" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts ({rows.length})</h2>
      {outcome && (
        <p role="status" className="note">
          {outcome}
        </p>
      )}
      <ul className="file-problems">
        {rows.map((conflict) => (
          <li key={conflict.path}>
            <div>
              <strong className="path">{conflict.path}</strong>
              <p>{conflict.message}</p>
              <dl className="sides">
                <dt>In the folder</dt>
                <dd>
                  {formatSize(conflict.local.size)}, changed{' '}
                  <time title={formatExact(conflict.local.modifiedAt)}>
                    {formatWhen(conflict.local.modifiedAt)}
                  </time>
                </dd>
                {otherSide(conflict)}
              </dl>
            </div>
            <div className="toolbar" role="group" aria-label={`Resolve ${conflict.path}`}>
              {CHOICES.map(({ resolution, label }) => (
                <button
                  key={resolution}
                  type="button"
                  onClick={() =>
                    resolution === 'replace'
                      ? setReplacing(conflict)
                      : void resolve(conflict.path, resolution)
                  }
                >
                  {label}
                </button>
              ))}
              {canShow && <ShowInFolder path={conflict.path} />}
            </div>
          </li>
        ))}
      </ul>
      {replacing && (
        <ConfirmDialog
          title="Replace the remote copy?"
          confirmLabel="Replace the remote copy"
          onCancel={() => setReplacing(null)}
          onConfirm={async () => {
            await resolve(replacing.path, 'replace');
            setReplacing(null);
          }}
        >
          <p>
            {replacing.path} ({formatSize(replacing.local.size)}, changed{' '}
            {formatWhen(replacing.local.modifiedAt)}) will be uploaded over {copyLost(replacing)}.
          </p>
          <p>That copy will be lost. To keep it too, choose Keep both instead.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
