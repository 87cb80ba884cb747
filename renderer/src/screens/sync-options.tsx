import { useEffect, useState, type FormEvent } from 'react';
import type { PairSettings } from '../../../shared/sync-types.js';
import { useBridge } from '../bridge/bridge-context.js';
import { useFolderId } from '../store/folder-context.js';
import { largeFilesMbText, parseLargeFilesMb } from '../large-files-size.js';
import { LargeFilesField } from './large-files-field.js';

/**
 * The pair's settings: uploads at once, bandwidth, refresh interval, remote folder, mirrored deletions,
 * and from which size files go up in parts.
 */
export function SyncOptions() {
  const bridge = useBridge();
  const folder = useFolderId();
  const [settings, setSettings] = useState<PairSettings | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The Large files field as typed; null until edited, so an untouched threshold is saved to the byte.
  const [largeFiles, setLargeFiles] = useState<string | null>(null);
  useEffect(() => {
    bridge
      .call('settings.get', { folder })
      .then(setSettings, (error: Error) => setMessage({ ok: false, text: error.message }));
  }, [bridge, folder]);
  if (!settings) return <p role="status">{message?.text ?? 'Loading settings…'}</p>;
  const largeFilesDraft = largeFiles === null ? null : parseLargeFilesMb(largeFiles);
  const largeFilesError =
    largeFilesDraft !== null && 'error' in largeFilesDraft ? largeFilesDraft.error : null;
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (largeFilesError !== null) {
      setMessage({ ok: false, text: 'Nothing was saved: correct the size under Large files first.' });
      document.getElementById('large-files-threshold')?.focus();
      return;
    }
    const multipartThreshold =
      largeFilesDraft !== null && 'bytes' in largeFilesDraft
        ? largeFilesDraft.bytes
        : settings.multipartThreshold;
    try {
      setSettings(await bridge.call('settings.update', { ...settings, multipartThreshold, folder }));
      setLargeFiles(null);
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
      <label>
        Folder on the remote (empty: at the top)
        <input
          type="text"
          maxLength={100}
          placeholder="e.g. Documents"
          aria-describedby="remote-folder-help"
          value={settings.remoteFolder}
          onChange={(event) => setSettings({ ...settings, remoteFolder: event.target.value })}
        />
      </label>
      <p id="remote-folder-help" className="muted">
        Keeps this folder’s files apart from other folders or apps using the same account. Changing it uploads
        the files under the new folder; the copies under the old names stay until you delete them.
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.mirrorDeletions}
          onChange={(event) => setSettings({ ...settings, mirrorDeletions: event.target.checked })}
        />
        Delete the remote copy when a file is deleted here (a mass deletion always asks first)
      </label>
      <LargeFilesField
        text={largeFiles ?? largeFilesMbText(settings.multipartThreshold)}
        error={largeFilesError}
        onChange={(text) => {
          setLargeFiles(text);
          setMessage(null);
        }}
      />
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
