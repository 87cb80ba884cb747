import { useEffect, useState } from 'react';
import type { AppView, DesktopView } from '../../../shared/bridge/contract.js';
import { useAppCommand, useAppView } from '../store/use-app-store.js';
import { IgnoreEditor } from './ignore-editor.js';
import { PairForm } from './pair-form.js';
import { SyncOptions } from './sync-options.js';

const THEMES: Array<{ theme: AppView['theme']; label: string }> = [
  { theme: 'system', label: 'Same as the system' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

/** Settings, and the first run: folder, remote, token (write-only), sync options, .hoistignore, theme. */
export function SettingsScreen({ firstRun }: { firstRun: boolean }) {
  const app = useAppView();
  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{firstRun ? 'Welcome to Hoist' : 'Settings'}</h1>
      {firstRun && (
        <p className="lead">
          Choose a folder to keep safe. “This computer” works at once, with no account; you can switch to
          Alloy, Composio or Open WebUI later.
        </p>
      )}
      <PairForm firstRun={firstRun} />
      {!firstRun && !app.openError && <SyncOptions />}
      {!firstRun && !app.openError && <IgnoreEditor />}
      {app.desktop && <DesktopSwitches desktop={app.desktop} />}
      <ThemePicker theme={app.theme} />
    </section>
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
