import { useState } from 'react';
import type { ConflictResolution, ConflictView } from '../../../shared/sync-types.js';
import { useBridge, useBridgeEvent, useQuery, useThrottled } from '../bridge/bridge-context.js';
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

/** Conflicts, each with both sides and its choices: keep both, replace the remote copy, ignore. */
export function ConflictList({ count, canShow }: { count: number; canShow: boolean }) {
  const bridge = useBridge();
  const conflicts = useQuery(() => bridge.call('conflicts.list', {}), [bridge, count]);
  const [outcome, setOutcome] = useState<string | null>(null);
  const reload = useThrottled(conflicts.reload, 2000);
  useBridgeEvent('changed', (change) => (change.local || change.remote) && reload());
  const rows = (conflicts.data ?? []).filter((conflict) => !conflict.ignored);
  if (rows.length === 0 && outcome === null) return null;
  const resolve = (path: string, resolution: ConflictResolution): void =>
    void bridge.call('conflicts.resolve', { path, resolution }).then(
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
                <button key={resolution} type="button" onClick={() => resolve(conflict.path, resolution)}>
                  {label}
                </button>
              ))}
              {canShow && <ShowInFolder path={conflict.path} />}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
