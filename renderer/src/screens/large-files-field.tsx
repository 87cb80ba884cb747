import { DEFAULT_PAIR_SETTINGS } from '../../../shared/sync-types.js';

/** Sizes in the field are decimal megabytes, as the window shows sizes (shared/format-bytes.ts). */
const MB = 1_000_000;
const MIN_MB = 1;
// A file above the threshold goes up in one PUT, which S3 (and the reference remote) caps at 5 GiB:
// past 5 GB, files between the two could go up no way at all.
const MAX_MB = 5000;

export type LargeFilesDraft = { bytes: number } | { error: string };

/** The threshold in bytes for what was typed, or the words saying what to type instead. */
export function parseLargeFilesMb(text: string): LargeFilesDraft {
  const trimmed = text.trim().replace(',', '.');
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) {
    return { error: 'Enter a size in megabytes, for example 100.' };
  }
  if (value < MIN_MB || value > MAX_MB) {
    return {
      error: `Enter a size from ${MIN_MB} MB to ${MAX_MB.toLocaleString('en')} MB: one upload takes at most 5 GB.`,
    };
  }
  return { bytes: Math.round(value * MB) };
}

/** The stored threshold as the field shows it: megabytes with at most one decimal (100 MiB: 104.9). */
export function largeFilesMbText(bytes: number): string {
  return String(Math.round(bytes / (MB / 10)) / 10);
}

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
