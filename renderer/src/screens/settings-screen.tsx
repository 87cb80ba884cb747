import type { AppView } from '../../../shared/bridge/contract.js';
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
      <ThemePicker app={app} onApp={onApp} />
    </section>
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
