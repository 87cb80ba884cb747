import { NOT_SYNCED_REASONS, type NotSyncedCounts, type NotSyncedEntry } from '../../../shared/not-synced.js';
import { escapeFileName } from '../../../shared/file-name-bytes.js';
import { useBridge, useQuery, useThrottled } from '../bridge/bridge-context.js';
import { useFolderChanged, useFolderId } from '../store/folder-context.js';
import { ShowInFolder } from '../components/show-in-folder.js';
import { formatCount, formatWhen } from '../format.js';

/**
 * Everything that is not synced, in one list, each with its reason, Retry (where trying again can
 * help) and Show in folder (desktop app): unreadable files, names that are not UTF-8, files the
 * remote refused or that are too large for it, files set aside as still changing, conflicts. What
 * was left out on purpose (links, special files, conflicts you chose to ignore) is listed apart.
 * The count in the heading is the headline's (shared/not-synced.ts).
 */
export function NotSyncedList({ counts, canShow }: { counts: NotSyncedCounts; canShow: boolean }) {
  const bridge = useBridge();
  const folder = useFolderId();
  // Read again whenever the counts move, and on local changes (a file failing for another reason).
  const entries = useQuery(
    () => bridge.call('files.unsynced', { folder }),
    [bridge, folder, counts.needsAttention, counts.onPurpose],
  );
  const reload = useThrottled(entries.reload, 2000);
  useFolderChanged((change) => change.local && reload());
  if (counts.needsAttention + counts.onPurpose === 0) return null;
  const all = entries.data ?? [];
  const attention = all.filter((entry) => !NOT_SYNCED_REASONS[entry.reason].onPurpose);
  const onPurpose = all.filter((entry) => NOT_SYNCED_REASONS[entry.reason].onPurpose);
  const retry = (path: string): void =>
    void bridge.call('files.retry', { folder, path }).then(entries.reload, entries.reload);
  return (
    <section className="panel" aria-labelledby="not-synced-title">
      <h2 id="not-synced-title">Not synced ({formatCount(counts.needsAttention)})</h2>
      {entries.error !== null && (
        <p role="alert">Could not read the list of files not synced: {entries.error}</p>
      )}
      {entries.data === undefined && entries.error === null && <p role="status">Loading…</p>}
      {entries.data !== undefined && attention.length === 0 && counts.needsAttention === 0 && (
        <p className="muted">Every file that should be synced is.</p>
      )}
      {attention.length > 0 && (
        <ul className="file-problems" aria-label="Files not synced">
          {attention.map((entry) => (
            <NotSyncedRow key={entry.path} entry={entry} canShow={canShow} onRetry={retry} />
          ))}
        </ul>
      )}
      {onPurpose.length > 0 && (
        <details className="on-purpose">
          <summary>Skipped on purpose ({formatCount(counts.onPurpose)})</summary>
          <ul className="file-problems" aria-label="Skipped on purpose">
            {onPurpose.map((entry) => (
              <NotSyncedRow key={entry.path} entry={entry} canShow={canShow} onRetry={retry} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function NotSyncedRow({
  entry,
  canShow,
  onRetry,
}: {
  entry: NotSyncedEntry;
  canShow: boolean;
  onRetry: (path: string) => void;
}) {
  const reason = NOT_SYNCED_REASONS[entry.reason];
  // A name that is not UTF-8 is shown with those bytes as \xNN, as the CLI prints it.
  const shown = escapeFileName(entry.path) || 'The folder itself';
  return (
    <li>
      <div>
        <strong className="path">{shown}</strong>
        <p>
          <span className="reason">{reason.label}</span> ·{' '}
          {/* A conflict's card below says it in full, with both sides and the choices. */}
          {entry.reason === 'conflict' ? 'Choose what to do under Conflicts.' : entry.message}
        </p>
        {entry.retryAt !== null && <p className="muted">Hoist tries again {formatWhen(entry.retryAt)}.</p>}
      </div>
      <div className="row-actions">
        {reason.retry && (
          <button type="button" aria-label={`Retry now: ${shown}`} onClick={() => onRetry(entry.path)}>
            Retry now
          </button>
        )}
        {/* A conflict's card below has its own Show in folder beside its choices. */}
        {canShow && entry.path !== '' && entry.reason !== 'conflict' && (
          <ShowInFolder path={entry.path} label={shown} />
        )}
      </div>
    </li>
  );
}
