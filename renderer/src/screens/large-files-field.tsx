import { DEFAULT_PAIR_SETTINGS } from '../../../shared/sync-types.js';
import { largeFilesMbText } from '../large-files-size.js';

interface LargeFilesFieldProps {
  /** What the field holds. */
  text: string;
  /** Why it cannot be saved, shown under it; null when it can. */
  error: string | null;
  onChange(text: string): void;
}

/**
 * The "Large files" part of a folder's sync options: from which size a file goes up in parts
 * (resumably, several parts at once) where the remote takes parts. Checked as typed; the form
 * saves nothing while it holds an error.
 */
export function LargeFilesField({ text, error, onChange }: LargeFilesFieldProps) {
  return (
    <fieldset className="field-group">
      <legend>Large files</legend>
      <label>
        Upload in parts from (MB)
        <input
          id="large-files-threshold"
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'large-files-error large-files-help' : 'large-files-help'}
          onChange={(event) => onChange(event.target.value)}
        />
      </label>
      {error !== null && (
        <p id="large-files-error" role="alert" className="field-error">
          {error}
        </p>
      )}
      <p id="large-files-help" className="muted">
        Files this large or larger go up in parts, several at once. If the upload stops (a pause, a lost
        connection, the computer restarting), it carries on from the parts already sent instead of starting
        over. Remotes that take no parts (Alloy’s public API, Composio, Open WebUI) get each file in one
        upload. Default: {largeFilesMbText(DEFAULT_PAIR_SETTINGS.multipartThreshold)} MB.
      </p>
    </fieldset>
  );
}
