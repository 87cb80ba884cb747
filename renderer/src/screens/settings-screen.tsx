import { useEffect, useState } from 'react';
import type { AppView, DesktopView } from '../../../shared/bridge/contract.js';
import { useBridge } from '../bridge/bridge-context.js';
import { IgnoreEditor } from './ignore-editor.js';
import { PairForm } from './pair-form.js';
import { SyncOptions } from './sync-options.js';

const THEMES: Array<{ theme: AppView['theme']; label: string }> = [
  { theme: 'system', label: 'Same as the system' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

/** Settings, and the first run: folder, remote, token (write-only), sync options, .hoistignore, theme. */
export function SettingsScreen({
  app,
  firstRun,
  onApp,
}: {
  app: AppView;
  firstRun: boolean;
  onApp: (app: AppView) => void;
}) {
  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{firstRun ? 'Welcome to Hoist' : 'Settings'}</h1>
      {firstRun && (
        <p className="lead">
          Choose a folder to keep safe. “This computer” works at once, with no account; you can switch to
          Alloy, Composio or Open WebUI later.
        </p>
      )}
      <PairForm app={app} firstRun={firstRun} onApp={onApp} />
      {!firstRun && !app.openError && <SyncOptions />}
      {!firstRun && !app.openError && <IgnoreEditor />}
      {app.desktop && <DesktopSwitches desktop={app.desktop} onApp={onApp} />}
      <ThemePicker app={app} onApp={onApp} />
    </section>
  );
}

/** The desktop app's own switches (main keeps them): notifications and start at login. */
function DesktopSwitches({ desktop, onApp }: { desktop: DesktopView; onApp: (app: AppView) => void }) {
  const bridge = useBridge();
  const [problem, setProblem] = useState<string | null>(null);
  // A box follows the click at once (main answers in moments); a refusal puts it back and says why.
  const [shown, setShown] = useState(desktop);
  useEffect(() => setShown(desktop), [desktop]);
  const change = (patch: Partial<DesktopView>): void => {
    setProblem(null);
    setShown({ ...shown, ...patch });
    void bridge
      .call('desktop.update', patch)
      .then(onApp)
      .catch((error: unknown) => {
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

function ThemePicker({ app, onApp }: { app: AppView; onApp: (app: AppView) => void }) {
  const bridge = useBridge();
  return (
    <fieldset className="panel">
      <legend>Theme</legend>
      {THEMES.map(({ theme, label }) => (
        <label key={theme} className="radio">
          <input
            type="radio"
            name="theme"
            checked={app.theme === theme}
            onChange={() => void bridge.call('preferences.update', { theme }).then(onApp)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
