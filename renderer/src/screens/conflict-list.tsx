import type { ConflictResolution } from '../../../shared/bridge/conflicts.js';
import { useBridge, useBridgeEvent, useQuery } from '../bridge/bridge-context.js';
import { formatSize, formatWhen } from '../format.js';

const CHOICES: Array<{ resolution: ConflictResolution; label: string }> = [
  { resolution: 'keep-both', label: 'Keep both' },
  { resolution: 'replace', label: 'Replace the remote copy' },
  { resolution: 'ignore', label: 'Ignore' },
];

/** Conflicts, each with both sides and its choices (issue 7's never-overwrite rule). */
export function ConflictList({ count }: { count: number }) {
  const bridge = useBridge();
  const conflicts = useQuery(() => bridge.call('conflicts.list', {}), [bridge, count]);
  useBridgeEvent('changed', (change) => (change.local || change.remote) && conflicts.reload());
  const rows = conflicts.data ?? [];
  if (rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts ({rows.length})</h2>
      <ul className="file-problems">
        {rows.map((conflict) => (
          <li key={conflict.path}>
            <div>
              <strong className="path">{conflict.path}</strong>
              <p>{conflict.message}</p>
              <dl className="sides">
                <dt>In the folder</dt>
                <dd>
                  {formatSize(conflict.local.size)}, changed {formatWhen(conflict.local.modifiedAt)}
                </dd>
                <dt>On the remote as “{conflict.remoteName}”</dt>
                <dd>
                  {formatSize(conflict.remote.size)}, changed {formatWhen(conflict.remote.lastModified)}
                  {conflict.remote.origin ? ` · from ${conflict.remote.origin}` : ''}
                </dd>
              </dl>
            </div>
            <div className="toolbar" role="group" aria-label={`Resolve ${conflict.path}`}>
              {CHOICES.map(({ resolution, label }) => (
                <button
                  key={resolution}
                  type="button"
                  onClick={() =>
                    void bridge
                      .call('conflicts.resolve', { path: conflict.path, resolution })
                      .then(conflicts.reload, conflicts.reload)
                  }
                >
                  {label}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
