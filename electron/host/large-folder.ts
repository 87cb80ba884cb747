import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '../../shared/format-bytes.js';
import { SyncError } from '../engine/sync-error.js';

/**
 * When a first sync asks before it starts (README "Folders Hoist will not sync"): past either figure
 * a folder is more likely a mistake (a whole drive, a home folder one level down, a build cache) than
 * a folder of documents, and its first sync takes hours and fills the remote.
 */
export const LARGE_FOLDER_LIMITS = { files: 100_000, bytes: 50_000_000_000 };

// Counting stops here even below the limits: the person is waiting for an answer. 100,000 files
// took 1.5-2.8 s to walk on the 2-core dev VM (engine/scan/folder-walker.ts), so this is far above
// any folder the limits would pass.
const MEASURE_DEADLINE_MS = 15_000;
// Entries stat'ed at once: enough to keep libuv's threads busy, few enough to leave handles free.
const STAT_BATCH = 64;

export interface FolderLimits {
  files: number;
  bytes: number;
}

/**
 * The limits, or others given in HOIST_LARGE_FOLDER_FILES / HOIST_LARGE_FOLDER_BYTES (whole numbers:
 * to be asked sooner or later, and for tests that cannot write 100,000 files).
 */
export function largeFolderLimits(env: NodeJS.ProcessEnv = process.env): FolderLimits {
  const read = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isSafeInteger(value) && value > 0 ? value : fallback;
  };
  return {
    files: read('HOIST_LARGE_FOLDER_FILES', LARGE_FOLDER_LIMITS.files),
    bytes: read('HOIST_LARGE_FOLDER_BYTES', LARGE_FOLDER_LIMITS.bytes),
  };
}

export interface FolderMeasure {
  files: number;
  bytes: number;
  /** False when counting stopped early (past a limit, the deadline, or cancelled): "more than". */
  complete: boolean;
}

/**
 * Counts the files and bytes under `folder`, stopping as soon as a limit is passed, at the deadline,
 * or when `signal` aborts, so a huge tree never holds anyone up. Symlinks are not followed (the sync
 * does not follow them either); unreadable directories are skipped.
 */
export async function measureFolder(
  folder: string,
  limits: FolderLimits,
  options: { signal?: AbortSignal; deadlineMs?: number; now?: () => number } = {},
): Promise<FolderMeasure> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.deadlineMs ?? MEASURE_DEADLINE_MS);
  const measure: FolderMeasure = { files: 0, bytes: 0, complete: true };
  const over = (): boolean => measure.files > limits.files || measure.bytes > limits.bytes;
  const directories = [folder];
  while (directories.length > 0) {
    if (over() || options.signal?.aborted === true || now() > deadline) {
      measure.complete = false;
      return measure;
    }
    const directory = directories.pop() as string;
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.isDirectory()) directories.push(join(directory, entry.name));
      else if (entry.isFile()) files.push(join(directory, entry.name));
    }
    let start = 0;
    for (; start < files.length && !over(); start += STAT_BATCH) {
      const sizes = await Promise.all(
        files.slice(start, start + STAT_BATCH).map((file) =>
          lstat(file).then(
            (stats) => stats.size,
            () => null,
          ),
        ),
      );
      for (const size of sizes) {
        if (size === null) continue;
        measure.files++;
        measure.bytes += size;
      }
    }
    // Stopped inside this directory: some of its files were not counted.
    if (start < files.length) measure.complete = false;
  }
  return measure;
}

/** "120,000 files, 84 GB", or "more than 100,000 files (52 GB so far)" when counting stopped. */
export function describeMeasure(measure: FolderMeasure): string {
  const files = `${measure.files.toLocaleString('en')} file${measure.files === 1 ? '' : 's'}`;
  return measure.complete
    ? `${files}, ${formatBytes(measure.bytes)}`
    : `more than ${files} (${formatBytes(measure.bytes)} so far)`;
}

/**
 * Throws SyncError('config', reason 'large-folder') naming what was found when `folder` is past a
 * limit; the caller asks the person and tries again with their yes (the window's dialog, `--yes`).
 */
export async function refuseLargeFolderUnlessConfirmed(
  folder: string,
  options: { confirmed: boolean; limits?: FolderLimits; signal?: AbortSignal; askHow: string },
): Promise<void> {
  if (options.confirmed) return;
  const limits = options.limits ?? largeFolderLimits();
  const measure = await measureFolder(folder, limits, options.signal ? { signal: options.signal } : {});
  if (measure.complete && measure.files <= limits.files && measure.bytes <= limits.bytes) return;
  if (options.signal?.aborted === true) return;
  throw new SyncError(
    'config',
    `${folder} is large: ${describeMeasure(measure)}. Its first sync uploads all of it${options.askHow}`,
    { reason: 'large-folder', detail: describeMeasure(measure) },
  );
}
