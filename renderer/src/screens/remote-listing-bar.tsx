import { useEffect, useState } from 'react';
import { useBridge } from '../bridge/bridge-context.js';
import { useFolderId } from '../store/folder-context.js';
import { formatExact, formatWhen } from '../format.js';

// "Listed 2 minutes ago" is read again this often, so it never says "just now" for long.
const TICK_MS = 15_000;

/**
 * When the remote was last listed, and a Refresh that lists it now. The engine lists it on its own
 * every refresh interval (and the list follows, without a click); this is for "I just uploaded it
 * elsewhere and want to see it".
 */
export function RemoteListingBar({ listedAt }: { listedAt: number | null }) {
  const bridge = useBridge();
  const folder = useFolderId();
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  // The answer's listing time can arrive before the status event that carries it.
  const [answeredAt, setAnsweredAt] = useState<number | null>(null);
  const shownAt = Math.max(listedAt ?? 0, answeredAt ?? 0) || null;

  const refresh = (): void => {
    setRefreshing(true);
    setError(null);
    bridge.call('remote.refresh', { folder }).then(
      ({ listedAt: at }) => {
        setRefreshing(false);
        setAnsweredAt(at);
        setNow(Date.now());
      },
      (failure: Error) => {
        setRefreshing(false);
        setError(failure.message);
      },
    );
  };

  return (
    <div className="listing-bar">
      <span role="status" className="muted" title={shownAt === null ? undefined : formatExact(shownAt)}>
        {refreshing
          ? 'Listing the remote…'
          : shownAt === null
            ? 'Not listed yet'
            : `Listed ${formatWhen(shownAt, Math.max(now, shownAt))}`}
      </span>
      <button type="button" onClick={refresh} disabled={refreshing}>
        Refresh
      </button>
      {error && (
        <span role="alert" className="error-text">
          Could not list the remote: {error}
        </span>
      )}
    </div>
  );
}
