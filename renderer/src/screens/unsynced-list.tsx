import { useBridge, useBridgeEvent, useQuery, useThrottled } from '../bridge/bridge-context.js';
import { ShowInFolder } from '../components/show-in-folder.js';
import { formatWhen } from '../format.js';

/** The files that failed, each with its reason and "Retry now", in one place. */
export function UnsyncedList({ failedCount, canShow }: { failedCount: number; canShow: boolean }) {
  const bridge = useBridge();
  const files = useQuery(() => bridge.call('files.unsynced', {}), [bridge, failedCount]);
  const reload = useThrottled(files.reload, 2000);
  useBridgeEvent('changed', (change) => change.local && reload());
  const rows = (files.data ?? []).filter((file) => file.state !== 'conflict');
  if (rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="failed-title">
      <h2 id="failed-title">Files not synced ({rows.length})</h2>
      <ul className="file-problems">
        {rows.map((file) => (
          <li key={file.path}>
            <div>
              <strong className="path">{file.path}</strong>
              <p>{file.message}</p>
              {file.state === 'retrying' && file.retryAt && (
                <p className="muted">Hoist tries again {formatWhen(file.retryAt)}.</p>
              )}
            </div>
            <button
              type="button"
              aria-label={`Retry now: ${file.path}`}
              onClick={() =>
                void bridge.call('files.retry', { path: file.path }).then(files.reload, files.reload)
              }
            >
              Retry now
            </button>
            {canShow && <ShowInFolder path={file.path} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
