// The Large files setting (screens/large-files-field.tsx) as typed and as shown; apart so it is unit-tested.

/** Sizes in the field are decimal megabytes, as the window shows sizes (shared/format-bytes.ts). */
const MB = 1_000_000;
const MIN_MB = 1;
// A file below the threshold goes up in one PUT, which S3 (and the reference remote) caps at 5 GiB:
// with a threshold past 5 GB, files between the two could go up no way at all.
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
