import { useState } from 'react';
import type { SyncErrorInfo } from '../../../shared/sync-types.js';
import { useBridge } from '../bridge/bridge-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { useFolderId } from '../store/folder-context.js';

/** Problems on top, each with the one action that helps. */
export function ProblemList({
  problems,
  onOpenSettings,
}: {
  problems: SyncErrorInfo[];
  onOpenSettings: () => void;
}) {
  const bridge = useBridge();
  const folder = useFolderId();
  const [confirming, setConfirming] = useState<SyncErrorInfo | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  if (problems.length === 0 && outcome === null) return null;
  return (
    <section className="panel" aria-labelledby="problems-title">
      <h2 id="problems-title">Problems</h2>
      {outcome && (
        <p role="status" className="note">
          {outcome}
        </p>
      )}
      <ul className="problem-list">
        {problems.map((problem) => (
          <li key={`${problem.id ?? ''}${problem.message}`} className="problem" role="alert">
            <p>{problem.message}</p>
            <div className="toolbar">
              {problem.category === 'auth' || problem.category === 'config' ? (
                <button type="button" onClick={onOpenSettings}>
                  Open settings
                </button>
              ) : problem.id === 'mass-deletion' ? (
                <>
                  <button type="button" onClick={() => setConfirming(problem)}>
                    Review deletion…
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      void bridge
                        .call('deletions.keep', { folder })
                        .then(() => setOutcome('The remote copies stay.'))
                    }
                  >
                    Keep the remote copies
                  </button>
                </>
              ) : problem.retryable || problem.category === 'network' ? (
                <button
                  type="button"
                  onClick={() => void bridge.call('sync.now', { folder }).catch(() => undefined)}
                >
                  Retry now
                </button>
              ) : null}
            </div>
            {problem.detail && (
              <details>
                <summary>Details</summary>
                <p>{problem.detail}</p>
              </details>
            )}
          </li>
        ))}
      </ul>
      {confirming && (
        <ConfirmDialog
          title="Delete the remote copies?"
          confirmLabel="Delete the remote copies"
          onCancel={() => setConfirming(null)}
          onConfirm={async () => {
            const result = await bridge.call('deletions.confirm', { folder });
            setOutcome(result.message);
            setConfirming(null);
          }}
        >
          <p>{confirming.message}</p>
          <p>Deleting them cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
