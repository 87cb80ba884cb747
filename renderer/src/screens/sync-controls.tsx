import { useState } from 'react';
import type { StatusView } from '../../../shared/bridge/contract.js';
import { describePauseEnd, pauseEndsAt } from '../../../shared/pause-choice.js';
import { useBridge } from '../bridge/bridge-context.js';
import { Dialog } from '../components/dialog.js';
import { useFolderId } from '../store/folder-context.js';
import { useAppState } from '../store/use-app-store.js';

/**
 * Pause (now, 1 hour, until tomorrow) or Resume, Sync now and Open folder. Sync now says what it is
 * doing ("Checking…") and then what it found; while paused it first asks whether to resume or to
 * sync once and stay paused, so a pause never ends without the person choosing it.
 */
export function SyncControls({ status }: { status: StatusView }) {
  const bridge = useBridge();
  const desktop = useAppState((state) => state.app?.desktop ?? null);
  const folder = useFolderId();
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [checking, setChecking] = useState(false);
  const pause = (until: number | null): void => {
    setOutcome(null);
    void bridge.call('sync.pause', until === null ? { folder } : { folder, until }).catch(() => undefined);
  };
  const syncNow = (resume: boolean): void => {
    setAsking(false);
    setChecking(true);
    setOutcome({ ok: true, text: resume ? 'Resuming; checking…' : 'Checking…' });
    bridge
      .call('sync.now', resume ? { folder, resume } : { folder })
      .then(
        (result) => setOutcome({ ok: true, text: result.message }),
        (error: Error) => setOutcome({ ok: false, text: error.message }),
      )
      .finally(() => setChecking(false));
  };
  return (
    <>
      <div className="toolbar" role="group" aria-label="Sync controls">
        {status.paused ? (
          <button
            type="button"
            onClick={() => {
              setOutcome(null);
              void bridge.call('sync.resume', { folder }).catch(() => undefined);
            }}
          >
            Resume
          </button>
        ) : (
          <>
            <button type="button" onClick={() => pause(null)}>
              Pause
            </button>
            <button type="button" onClick={() => pause(pauseEndsAt('one-hour', Date.now()))}>
              Pause for 1 hour
            </button>
            <button type="button" onClick={() => pause(pauseEndsAt('until-tomorrow', Date.now()))}>
              Pause until tomorrow
            </button>
          </>
        )}
        <button
          type="button"
          className="primary"
          disabled={checking}
          onClick={() => (status.paused ? setAsking(true) : syncNow(false))}
        >
          Sync now
        </button>
        {desktop && (
          <button
            type="button"
            onClick={() => void bridge.call('desktop.openFolder', { folder }).catch(() => undefined)}
          >
            Open folder
          </button>
        )}
      </div>
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'note' : 'problem'}>
          {outcome.text}
        </p>
      )}
      {asking && (
        <Dialog title="Sync is paused" onClose={() => setAsking(false)}>
          <p>
            Sync is paused{status.pausedUntil ? ` ${describePauseEnd(status.pausedUntil, Date.now())}` : ''}.
            Resume syncing, or sync once now and stay paused?
          </p>
          <div className="dialog-actions">
            <button type="button" autoFocus onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button type="button" onClick={() => syncNow(false)}>
              Sync once, stay paused
            </button>
            <button type="button" className="primary" onClick={() => syncNow(true)}>
              Resume and sync
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
