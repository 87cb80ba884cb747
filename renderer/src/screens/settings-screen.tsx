import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AppView } from '../../../shared/bridge/contract.js';
import type { PairSettings, ProviderKind } from '../../../shared/sync-types.js';
import { useBridge } from '../bridge/bridge-context.js';

const PROVIDERS: Array<{ kind: ProviderKind; label: string; hint: string }> = [
  {
    kind: 'local',
    label: 'This computer',
    hint: 'Keeps the copies in Hoist’s own store here. No account needed.',
  },
  { kind: 'alloy', label: 'Alloy', hint: 'Alloy’s per-user file store.' },
  { kind: 'composio', label: 'Composio', hint: 'Composio’s file store (it cannot delete files).' },
  { kind: 'openwebui', label: 'Open WebUI', hint: 'The files of an Open WebUI server.' },
];

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

function PairForm({
  app,
  firstRun,
  onApp,
}: {
  app: AppView;
  firstRun: boolean;
  onApp: (app: AppView) => void;
}) {
  const bridge = useBridge();
  const [folder, setFolder] = useState(app.pair?.folder ?? app.suggestedFolder);
  const [provider, setProvider] = useState<ProviderKind>(app.pair?.provider ?? 'local');
  const [remoteUrl, setRemoteUrl] = useState(app.pair?.remoteUrl ?? '');
  const [token, setToken] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const hintId = useId();
  const needsRemote = provider !== 'local';
  const samePair =
    app.pair !== null &&
    app.pair.folder === folder &&
    app.pair.provider === provider &&
    (app.pair.remoteUrl ?? '') === remoteUrl.trim();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      // Same folder and remote with a new token: only the token changes (the pair reopens with it).
      const view =
        samePair && token !== ''
          ? await bridge.call('token.set', { token })
          : await bridge.call('pair.open', {
              folder: folder.trim(),
              provider,
              ...(needsRemote && remoteUrl.trim() ? { remoteUrl: remoteUrl.trim() } : {}),
              ...(token !== '' ? { token } : {}),
            });
      setToken('');
      onApp(view);
      setMessage(
        view.openError
          ? { ok: false, text: view.openError }
          : { ok: true, text: `Syncing ${view.pair?.folder ?? ''} with ${view.pair?.label ?? ''}.` },
      );
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const test = async (): Promise<void> => {
    setMessage({ ok: true, text: 'Testing the connection…' });
    try {
      const result = await bridge.call('connection.test', {
        provider,
        ...(remoteUrl.trim() ? { remoteUrl: remoteUrl.trim() } : {}),
        ...(token !== '' ? { token } : {}),
      });
      setMessage({ ok: result.ok, text: result.message });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  return (
    <form className="panel form" onSubmit={(event) => void submit(event)} aria-label="Folder and remote">
      <h2>Folder and remote</h2>
      <label>
        Folder
        <input
          value={folder}
          onChange={(event) => setFolder(event.target.value)}
          required
          spellCheck={false}
        />
      </label>
      <label>
        Keep the copies on
        <select
          value={provider}
          onChange={(event) => setProvider(event.target.value as ProviderKind)}
          aria-describedby={hintId}
        >
          {PROVIDERS.map((entry) => (
            <option key={entry.kind} value={entry.kind}>
              {entry.label}
            </option>
          ))}
        </select>
      </label>
      <p id={hintId} className="muted">
        {PROVIDERS.find((entry) => entry.kind === provider)?.hint}
      </p>
      {needsRemote && (
        <>
          <label>
            Server URL
            <input
              type="url"
              value={remoteUrl}
              placeholder={provider === 'alloy' ? 'https://production.runalloy.com' : 'https://…'}
              onChange={(event) => setRemoteUrl(event.target.value)}
              spellCheck={false}
            />
          </label>
          <label>
            API token
            <input
              type="password"
              value={token}
              autoComplete="off"
              placeholder={
                app.pair?.tokenSet && samePair ? 'A token is set; type to replace it' : 'Paste the API token'
              }
              onChange={(event) => setToken(event.target.value)}
            />
          </label>
          <p className="muted">
            {app.credentialStore === 'keychain'
              ? 'The token is kept in the system keychain.'
              : 'The token is kept in memory until Hoist stops; it is never shown again.'}
          </p>
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'note' : 'problem'}>
          {message.text}
        </p>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => void test()} disabled={busy}>
          Test connection
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {firstRun ? 'Start syncing' : samePair && token !== '' ? 'Save token' : 'Save and sync'}
        </button>
      </div>
    </form>
  );
}

function SyncOptions() {
  const bridge = useBridge();
  const [settings, setSettings] = useState<PairSettings | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    bridge
      .call('settings.get', {})
      .then(setSettings, (error: Error) => setMessage({ ok: false, text: error.message }));
  }, [bridge]);
  if (!settings) return <p role="status">{message?.text ?? 'Loading settings…'}</p>;
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    try {
      setSettings(await bridge.call('settings.update', settings));
      setMessage({ ok: true, text: 'Saved.' });
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <form className="panel form" onSubmit={(event) => void save(event)} aria-label="Sync options">
      <h2>Sync options</h2>
      <label>
        Uploads at once
        <input
          type="number"
          min={1}
          max={64}
          value={settings.concurrency}
          onChange={(event) => setSettings({ ...settings, concurrency: Number(event.target.value) })}
        />
      </label>
      <label>
        Bandwidth limit (KB/s, 0 = no limit)
        <input
          type="number"
          min={0}
          value={Math.round(settings.bandwidthLimit / 1000)}
          onChange={(event) =>
            setSettings({ ...settings, bandwidthLimit: Number(event.target.value) * 1000 })
          }
        />
      </label>
      <label>
        Check the remote every (seconds)
        <input
          type="number"
          min={10}
          max={86400}
          value={settings.refreshIntervalSeconds}
          onChange={(event) =>
            setSettings({ ...settings, refreshIntervalSeconds: Number(event.target.value) })
          }
        />
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.mirrorDeletions}
          onChange={(event) => setSettings({ ...settings, mirrorDeletions: event.target.checked })}
        />
        Delete the remote copy when a file is deleted here (a mass deletion always asks first)
      </label>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'note' : 'problem'}>
          {message.text}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary">
          Save sync options
        </button>
      </div>
    </form>
  );
}

function IgnoreEditor() {
  const bridge = useBridge();
  const [text, setText] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    bridge.call('ignore.read', {}).then(
      (result) => setText(result.text),
      (error: Error) => setMessage(error.message),
    );
  }, [bridge]);
  return (
    <form
      className="panel form"
      aria-label="Ignored files"
      onSubmit={(event) => {
        event.preventDefault();
        void bridge.call('ignore.write', { text: text ?? '' }).then(
          () => setMessage('Saved. Hoist applies the new rules at once.'),
          (error: Error) => setMessage(error.message),
        );
      }}
    >
      <h2>Ignored files</h2>
      <label>
        .hoistignore (one pattern per line, like .gitignore)
        <textarea
          rows={6}
          value={text ?? ''}
          disabled={text === null}
          spellCheck={false}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
      <div className="toolbar">
        <button type="submit">Save .hoistignore</button>
      </div>
    </form>
  );
}
