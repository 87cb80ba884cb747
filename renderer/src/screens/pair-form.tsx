import { useId, useState, type FormEvent } from 'react';
import { PROVIDERS } from '../../../shared/providers.js';
import type { ProviderKind } from '../../../shared/sync-types.js';
import { BridgeError } from '../../../shared/bridge/bridge-client.js';
import { useBridge } from '../bridge/bridge-context.js';
import type { FolderView } from '../../../shared/bridge/contract.js';
import { useNavigate } from '../navigate.js';
import type { Notice } from '../store/app-store.js';
import { useAppCommand, useAppState, useAppView, useStore } from '../store/use-app-store.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';

// Labels and default addresses are the providers' own (shared/providers.ts); the hints are Settings' words.
const CHOICES: Array<{ kind: ProviderKind; label: string; hint: string }> = [
  {
    kind: 'local',
    label: PROVIDERS.local.label,
    hint: 'Keeps the copies in Hoist’s own store here. No account needed.',
  },
  { kind: 'alloy', label: PROVIDERS.alloy.label, hint: 'Alloy’s per-user file store.' },
  {
    kind: 'composio',
    label: PROVIDERS.composio.label,
    hint: 'Composio’s file store (it cannot delete files).',
  },
  { kind: 'openwebui', label: PROVIDERS.openwebui.label, hint: 'The files of an Open WebUI server.' },
];

/**
 * Folder, remote, token (write-only) and Test connection. Without `editing`: adds a folder (first run,
 * Add a folder), with its remote folder, and shows it. With `editing`: another remote or token for
 * that folder (its path stays; another path is another folder).
 */
export function PairForm({
  firstRun = false,
  editing = null,
}: {
  firstRun?: boolean;
  editing?: FolderView | null;
}) {
  const bridge = useBridge();
  const app = useAppView();
  const run = useAppCommand();
  const navigate = useNavigate();
  const [folder, setFolder] = useState(editing?.folder ?? (firstRun ? app.suggestedFolder : ''));
  const [provider, setProvider] = useState<ProviderKind>(editing?.provider ?? 'local');
  const [remoteUrl, setRemoteUrl] = useState(editing?.remoteUrl ?? '');
  const [remoteFolder, setRemoteFolder] = useState('');
  const [token, setToken] = useState('');
  const store = useStore();
  const [localMessage, setLocalMessage] = useState<Notice | null>(null);
  const notice = useAppState((state) => (editing ? (state.notices[editing.folder] ?? null) : null));
  // Editing, the outcome outlives this form: the folder reopens (maybe under a new id) and the form with it.
  const message = editing ? notice : localMessage;
  const setMessage = (next: Notice | null): void =>
    editing ? store.setNotice(editing.folder, next) : setLocalMessage(next);
  // No keychain works here: the save failed, and the person may keep the token for this session only.
  const [noKeychain, setNoKeychain] = useState(false);
  const [busy, setBusy] = useState(false);
  // A very large folder's first sync: the host said what it found, and waits for a yes.
  const [largeFolder, setLargeFolder] = useState<string | null>(null);
  const hintId = useId();
  const needsRemote = provider !== 'local';
  const sameRemote =
    editing !== null && editing.provider === provider && (editing.remoteUrl ?? '') === remoteUrl.trim();

  const add = async (confirmLargeFolder: boolean): Promise<void> => {
    const before = new Set(app.folders.map((entry) => entry.id));
    const view = await run('folders.add', {
      folder: folder.trim(),
      provider,
      ...(needsRemote && remoteUrl.trim() ? { remoteUrl: remoteUrl.trim() } : {}),
      ...(remoteFolder.trim() ? { remoteFolder: remoteFolder.trim() } : {}),
      ...(token !== '' ? { token } : {}),
      ...(confirmLargeFolder ? { confirmLargeFolder } : {}),
    });
    setToken('');
    const added = view.folders.find((entry) => !before.has(entry.id));
    if (added) navigate({ kind: 'folder', folder: added.id, screen: 'sync' });
  };

  const save = async (target: FolderView): Promise<void> => {
    // The same remote with a new token: only the token changes (the folder reopens with it).
    let view = sameRemote
      ? app
      : await run('folders.update', {
          folder: target.id,
          provider,
          ...(needsRemote ? { remoteUrl: remoteUrl.trim() } : { remoteUrl: '' }),
        });
    // Another remote is another pair: the folder's id follows it.
    const id = view.folders.find((entry) => entry.folder === target.folder)?.id ?? target.id;
    if (token !== '') view = await run('token.set', { folder: id, token });
    setToken('');
    const now = view.folders.find((entry) => entry.id === id);
    if (id !== target.id) navigate({ kind: 'folder', folder: id, screen: 'settings' });
    setMessage(
      now?.openError
        ? { ok: false, text: now.openError }
        : { ok: true, text: `Syncing ${target.folder} with ${now?.label ?? target.label}.` },
    );
  };

  const submit = async (event?: FormEvent, confirmLargeFolder = false): Promise<void> => {
    event?.preventDefault();
    setBusy(true);
    setMessage(null);
    setNoKeychain(false);
    try {
      if (editing) await save(editing);
      else await add(confirmLargeFolder);
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
    <form
      className="panel form"
      onSubmit={(event) => void submit(event)}
      aria-label={editing ? 'Remote' : 'Folder and remote'}
    >
      <h2>{editing ? 'Remote' : 'Folder and remote'}</h2>
      {editing ? (
        <p>
          Folder <strong className="path">{editing.folder}</strong>
        </p>
      ) : (
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
      )}
      <label>
        Keep the copies on
        <select
          value={provider}
          onChange={(event) => setProvider(event.target.value as ProviderKind)}
          aria-describedby={hintId}
        >
          {CHOICES.map((entry) => (
            <option key={entry.kind} value={entry.kind}>
              {entry.label}
            </option>
          ))}
        </select>
      </label>
      <p id={hintId} className="muted">
        {CHOICES.find((entry) => entry.kind === provider)?.hint}
      </p>
      {needsRemote && (
        <>
          <label>
            Server URL
            <input
              type="url"
              value={remoteUrl}
              placeholder={PROVIDERS[provider].defaultUrl ?? 'https://…'}
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
                editing?.tokenSet && sameRemote ? 'A token is set; type to replace it' : 'Paste the API token'
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
      {!editing && (
        <>
          <label>
            Folder on the remote (empty: at the top)
            <input
              type="text"
              maxLength={100}
              placeholder="e.g. Notes"
              value={remoteFolder}
              onChange={(event) => setRemoteFolder(event.target.value)}
              spellCheck={false}
            />
          </label>
          <p className="muted">Keeps this folder’s files apart from other folders using the same account.</p>
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
          {firstRun
            ? 'Start syncing'
            : !editing
              ? 'Add and sync'
              : sameRemote && token !== ''
                ? 'Save token'
                : 'Save and sync'}
        </button>
      </div>
    </form>
  );
}
