import type { FolderView, StatusView } from '../../shared/bridge/contract.js';
import { plural } from './format.js';
import { statusSentence, type Tone } from './status-words.js';

/** One folder's state in a few words, as the sidebar and the overview show it. */
export interface FolderSummary {
  tone: Tone;
  /** "Up to date", "Syncing 45%", "Paused", "Needs attention", "Could not open", "Opening…". */
  short: string;
  /** Whole sentence (the status line, or why it could not open). */
  sentence: string;
  attention: boolean;
}

/** How far along the current batch is, 0..100, by bytes and files (a batch of small files moves too). */
export function percentDone(status: StatusView): number {
  const { progress } = status;
  const total = progress.bytesTotal + progress.filesTotal;
  if (total === 0) return 100;
  return Math.min(99, Math.floor(((progress.bytesDone + progress.filesDone) / total) * 100));
}

export function summarizeFolder(folder: FolderView, status: StatusView | null): FolderSummary {
  if (folder.openError !== null) {
    return { tone: 'attention', short: 'Could not open', sentence: folder.openError, attention: true };
  }
  if (folder.opening) return { tone: 'busy', short: 'Opening…', sentence: 'Opening…', attention: false };
  if (status === null) return { tone: 'busy', short: 'Loading…', sentence: 'Loading…', attention: false };
  const sentence = statusSentence(status, null);
  const syncing = status.progress.filesTotal > status.progress.filesDone;
  const short =
    sentence.tone === 'attention'
      ? 'Needs attention'
      : sentence.tone === 'paused'
        ? 'Paused'
        : sentence.tone === 'offline'
          ? 'Offline'
          : syncing
            ? `Syncing ${percentDone(status)}%`
            : sentence.tone === 'busy'
              ? sentence.text
              : 'Up to date';
  return { tone: sentence.tone, short, sentence: sentence.text, attention: sentence.tone === 'attention' };
}

/** What needs the person across folders, one line each (the overview's list). */
export function attentionLines(folder: FolderView, status: StatusView | null): string[] {
  if (folder.openError !== null) return [folder.openError];
  if (!status) return [];
  const lines = status.problems.map((problem) => problem.message);
  // Conflicts are among the files not synced (shared/not-synced.ts): counted once.
  if (status.notSynced.needsAttention > 0) {
    lines.push(`${plural(status.notSynced.needsAttention, 'file is', 'files are')} not synced`);
  }
  return lines;
}
