import { useId, useState, type FormEvent } from 'react';
import type { ProviderKind } from '../../../shared/sync-types.js';
import { BridgeError } from '../../../shared/bridge/bridge-client.js';
import { useBridge } from '../bridge/bridge-context.js';
import { useAppCommand, useAppView } from '../store/use-app-store.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';

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

/** Folder, remote, token (write-only) and Test connection: opens the pair, or sets its token. */
export function PairForm({ firstRun }: { firstRun: boolean }) {
  const bridge = useBridge();
  const app = useAppView();
  const run = useAppCommand();
  const [folder, setFolder] = useState(app.pair?.folder ?? app.suggestedFolder);
  const [provider, setProvider] = useState<ProviderKind>(app.pair?.provider ?? 'local');
  const [remoteUrl, setRemoteUrl] = useState(app.pair?.remoteUrl ?? '');
  const [token, setToken] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // No keychain works here: the save failed, and the person may keep the token for this session only.
  const [noKeychain, setNoKeychain] = useState(false);
  const [busy, setBusy] = useState(false);
  // A very large folder's first sync: the host said what it found, and waits for a yes.
  const [largeFolder, setLargeFolder] = useState<string | null>(null);
  const hintId = useId();
  const needsRemote = provider !== 'local';
  const samePair =
    app.pair !== null &&
    app.pair.folder === folder &&
    app.pair.provider === provider &&
    (app.pair.remoteUrl ?? '') === remoteUrl.trim();

  const submit = async (event?: FormEvent, confirmLargeFolder = false): Promise<void> => {
    event?.preventDefault();
    setBusy(true);
    setMessage(null);
    setNoKeychain(false);
    try {
      // Same folder and remote with a new token: only the token changes (the pair reopens with it).
      const view =
        samePair && token !== ''
          ? await run('token.set', { token })
          : await run('pair.open', {
              folder: folder.trim(),
              provider,
              ...(needsRemote && remoteUrl.trim() ? { remoteUrl: remoteUrl.trim() } : {}),
              ...(token !== '' ? { token } : {}),
              ...(confirmLargeFolder ? { confirmLargeFolder } : {}),
            });
      setToken('');
      setMessage(
        view.openError
          ? { ok: false, text: view.openError }
          : { ok: true, text: `Syncing ${view.pair?.folder ?? ''} with ${view.pair?.label ?? ''}.` },
      );
    } catch (error) {
      if (error instanceof BridgeError && error.code === 'needs-confirmation') {
        setLargeFolder(error.message);
        return;
      }
      setMessage({ ok: false, text: (error as Error).message });
      setNoKeychain(
        error instanceof BridgeError && error.code === 'keychain-unavailable' && app.canKeepTokenForSession,
      );
    } finally {
      setBusy(false);
    }
  };

  const keepForSession = async (): Promise<void> => {
    try {
      await run('credentials.useSessionOnly', {});
      await submit();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };

  const pickFolder = async (): Promise<void> => {
    try {
      const { path } = await bridge.call('desktop.pickFolder', {});
      if (path !== null) setFolder(path);
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
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
      <div className="field-with-button">
        <label>
          Folder
          <input
            value={folder}
            onChange={(event) => setFolder(event.target.value)}
            required
            spellCheck={false}
          />
        </label>
        {app.desktop && (
          <button type="button" onClick={() => void pickFolder()} disabled={busy}>
            Choose…
          </button>
        )}
      </div>
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
          <p className="muted" hidden={noKeychain}>
            {app.credentialStore === 'keychain'
              ? 'The token is kept in the system keychain.'
              : app.credentialStore === 'environment'
                ? 'The token comes from HOIST_TOKEN; one typed here is kept in memory until Hoist stops.'
                : 'The token is kept in memory until Hoist stops; it is never shown again.'}
          </p>
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'note' : 'problem'}>
          {message.text}
        </p>
      )}
      {noKeychain && (
        <div className="toolbar">
          <button type="button" onClick={() => void keepForSession()} disabled={busy}>
            Keep the token for this session only
          </button>
        </div>
      )}
      {largeFolder !== null && (
        <ConfirmDialog
          title="Sync this large folder?"
          confirmLabel="Sync all of it"
          onCancel={() => {
            setLargeFolder(null);
            setMessage({ ok: true, text: 'Nothing was changed.' });
          }}
          onConfirm={async () => {
            setLargeFolder(null);
            await submit(undefined, true);
          }}
        >
          <p>{largeFolder}</p>
          <p>Hoist asks only before the first sync of a folder this large.</p>
        </ConfirmDialog>
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
