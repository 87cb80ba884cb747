import { useEffect, useState, type FormEvent } from 'react';
import type { AppView, DesktopView } from '../../../shared/bridge/contract.js';
import { useAppCommand, useAppView } from '../store/use-app-store.js';

const THEMES: Array<{ theme: AppView['theme']; label: string }> = [
  { theme: 'system', label: 'Same as the system' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

/** What is the app's, not a folder's: the upload budget every folder shares, the desktop switches, the theme. */
export function AppSettingsScreen() {
  const app = useAppView();
  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">App settings</h1>
      <UploadBudget uploadsAtOnce={app.uploadsAtOnce} bandwidthLimit={app.bandwidthLimit} />
      {app.desktop && <DesktopSwitches desktop={app.desktop} />}
      <ThemePicker theme={app.theme} />
    </section>
  );
}

/** "Uploads at once" and the bandwidth limit, shared by every folder (a folder's own may be lower). */
function UploadBudget({
  uploadsAtOnce,
  bandwidthLimit,
}: {
  uploadsAtOnce: number;
  bandwidthLimit: number | null;
}) {
  const run = useAppCommand();
  const [uploads, setUploads] = useState(String(uploadsAtOnce));
  const [limit, setLimit] = useState(
    bandwidthLimit === null ? '' : String(Math.round(bandwidthLimit / 1000)),
  );
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = (event: FormEvent): void => {
    event.preventDefault();
    setMessage(null);
    const kilobytes = limit.trim() === '' || Number(limit) === 0 ? null : Number(limit);
    run('app.budget', {
      uploadsAtOnce: Number(uploads),
      bandwidthLimit: kilobytes === null ? null : Math.round(kilobytes * 1000),
    }).then(
      () => setMessage({ ok: true, text: 'Saved. Every folder shares these.' }),
      (error: Error) => setMessage({ ok: false, text: error.message }),
    );
  };
  return (
    <form className="panel form" aria-label="Uploads for all folders" onSubmit={save}>
      <h2>Uploads for all folders</h2>
      <p className="muted">
        Every folder shares these, so more folders never mean more connections or more bandwidth. A folder’s
        own settings can only lower them.
      </p>
      <label>
        Uploads at once, all folders together
        <input
          type="number"
          min={1}
          max={16}
          required
          value={uploads}
          onChange={(event) => setUploads(event.target.value)}
        />
      </label>
      <label>
        Bandwidth limit for all folders (KB/s, empty or 0 = no limit)
        <input type="number" min={0} value={limit} onChange={(event) => setLimit(event.target.value)} />
      </label>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'note' : 'problem'}>
          {message.text}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary">
          Save uploads
        </button>
      </div>
    </form>
  );
}

/** The desktop app's own switches (main keeps them): notifications and start at login. */
function DesktopSwitches({ desktop }: { desktop: DesktopView }) {
  const run = useAppCommand();
  const [problem, setProblem] = useState<string | null>(null);
  // A box follows the click at once (main answers in moments); a refusal puts it back and says why.
  const [shown, setShown] = useState(desktop);
  useEffect(() => setShown(desktop), [desktop]);
  const change = (patch: Partial<DesktopView>): void => {
    setProblem(null);
    setShown({ ...shown, ...patch });
    void run('desktop.update', patch).catch((error: unknown) => {
      setShown(desktop);
      setProblem((error as Error).message);
    });
  };
  return (
    <fieldset className="panel">
      <legend>Desktop</legend>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={shown.notifications}
          onChange={(event) => change({ notifications: event.target.checked })}
        />
        Notify me when something needs me (a rejected token, conflicts, a held mass deletion)
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={shown.startAtLogin}
          onChange={(event) => change({ startAtLogin: event.target.checked })}
        />
        Start Hoist when I log in
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

function ThemePicker({ theme: chosen }: { theme: AppView['theme'] }) {
  const run = useAppCommand();
  return (
    <fieldset className="panel">
      <legend>Theme</legend>
      {THEMES.map(({ theme, label }) => (
        <label key={theme} className="radio">
          <input
            type="radio"
            name="theme"
            checked={chosen === theme}
            onChange={() => void run('preferences.update', { theme }).catch(() => undefined)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
