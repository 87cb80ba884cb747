import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { ActivityEntry, ActivityKind } from '../../../shared/sync-types.js';
import { useBridge, useThrottled } from '../bridge/bridge-context.js';
import { useFolderChanged, useFolderId } from '../store/folder-context.js';
import { formatExact, formatWhen } from '../format.js';
import { usePagedRows } from '../grid/use-paged-rows.js';
import { LeaveOutButton } from './leave-out-button.js';

const FILTERS: Array<{ label: string; kinds: ActivityKind[] }> = [
  { label: 'Everything', kinds: [] },
  { label: 'Uploads', kinds: ['uploaded', 'already-on-remote'] },
  { label: 'Deletions', kinds: ['deleted-remote', 'deleted-locally'] },
  { label: 'Failures and warnings', kinds: ['failed', 'warning', 'conflict'] },
  { label: 'Other', kinds: ['info', 'skipped'] },
];

const KIND_WORDS: Record<ActivityKind, string> = {
  uploaded: 'Uploaded',
  'already-on-remote': 'Already there',
  'deleted-remote': 'Deleted from remote',
  'deleted-locally': 'Deleted locally',
  failed: 'Failed',
  conflict: 'Conflict',
  skipped: 'Skipped',
  info: 'Note',
  warning: 'Warning',
};

// The height of a one-line row, as estimated before a row is measured: rows wrap, so each is
// measured on screen (a long message is read whole, never cut to "Uploade…").
const ROW_HEIGHT = 32;

/** A row's whole text, for its tooltip: the path and the message as the row shows them. */
function activityText(entry: ActivityEntry): string {
  return `${entry.path ?? ''}${entry.path && entry.message ? ' — ' : ''}${entry.message}`;
}

// Rows about a file that syncs (or tries to): the ones "Leave out…" makes sense on.
const LEAVE_OUT_KINDS = new Set<ActivityKind>([
  'uploaded',
  'already-on-remote',
  'failed',
  'conflict',
  'warning',
]);

/**
 * The activity log, newest first, virtualized, filterable by kind and searchable. A file's row offers
 * "Leave out…" when the screen passes `onLeaveOut`.
 */
export function ActivityLog({ onLeaveOut }: { onLeaveOut?: (path: string) => void } = {}) {
  const bridge = useBridge();
  const folder = useFolderId();
  const [filter, setFilter] = useState(0);
  const [search, setSearch] = useState('');
  const [reload, setReload] = useState(0);
  const kinds = FILTERS[filter]?.kinds ?? [];
  const rows = usePagedRows<ActivityEntry>(
    (offset, limit) =>
      bridge.call('activity.page', {
        folder,
        offset,
        limit,
        ...(kinds.length > 0 ? { kinds } : {}),
        ...(search.trim() ? { search } : {}),
      }),
    `${filter}\n${search}`,
    reload,
  );
  const rereadLater = useThrottled(() => setReload((value) => value + 1), 1000);
  useFolderChanged((change) => change.activity && rereadLater());
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = rows;
  useEffect(() => ensure(first, last), [first, last, ensure, rows.total]);

  return (
    <section className="panel activity" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      <div className="toolbar">
        <label>
          Show{' '}
          <select value={filter} onChange={(event) => setFilter(Number(event.target.value))}>
            {FILTERS.map((entry, index) => (
              <option key={entry.label} value={index}>
                {entry.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search activity{' '}
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
      </div>
      {rows.error ? (
        <p role="alert">The activity could not be read: {rows.error}</p>
      ) : rows.total === null ? (
        <p role="status">Loading activity…</p>
      ) : rows.total === 0 ? (
        <p className="empty">{search || filter ? 'Nothing matches.' : 'Nothing has happened yet.'}</p>
      ) : (
        <div
          className="activity-scroll"
          ref={(element) => {
            scroller.current = element;
            // As tall as its rows (as measured), up to 320 px: a short log leaves no empty box.
            element?.style.setProperty('height', `${Math.min(320, virtualizer.getTotalSize() + 2)}px`);
          }}
        >
          <ul
            className="activity-list"
            aria-label="Activity, newest first"
            ref={(element) => element?.style.setProperty('height', `${virtualizer.getTotalSize()}px`)}
          >
            {items.map((item) => {
              const entry = rows.rowAt(item.index);
              return (
                <li
                  key={item.key}
                  data-index={item.index}
                  className={`activity-row kind-${entry?.kind ?? 'loading'}`}
                  // Focusable, so a keyboard reaches a long message and it opens whole (styles.css).
                  tabIndex={entry ? 0 : -1}
                  title={entry ? activityText(entry) : undefined}
                  ref={(element) => {
                    element?.style.setProperty('transform', `translateY(${item.start}px)`);
                    if (element) virtualizer.measureElement(element);
                  }}
                >
                  {entry ? (
                    <>
                      <span className="activity-kind">{KIND_WORDS[entry.kind]}</span>
                      <span className="activity-text">
                        {entry.path ? <strong>{entry.path}</strong> : null}
                        {entry.path && entry.message ? ' — ' : ''}
                        {entry.message}
                      </span>
                      <time title={formatExact(entry.at)}>{formatWhen(entry.at)}</time>
                      {onLeaveOut && entry.path && LEAVE_OUT_KINDS.has(entry.kind) ? (
                        <LeaveOutButton path={entry.path} onLeaveOut={onLeaveOut} />
                      ) : (
                        <span />
                      )}
                    </>
                  ) : (
                    <span className="muted">Loading…</span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
