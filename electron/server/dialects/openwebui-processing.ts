import { open } from 'node:fs/promises';
import type { ReceivedFile } from '../storage/received-file.js';

/**
 * Open WebUI does not stop at storing a file: it extracts the file's text so the AI can read it, and
 * reports how that went per file in `data.status` (`pending`, `completed`, `failed`; a failure's
 * reason in `data.error`). The reference remote does the same, asynchronously in effect: the outcome
 * is decided when the file arrives, but reported as `pending` until `processingMs` have passed since,
 * so a client sees the three states in the order Open WebUI shows them. Deciding at once keeps it
 * free of background work and true across restarts (the outcome is stored with the file).
 */
export interface ProcessingRecord {
  /** When the outcome becomes visible (ms since epoch); `pending` until then. */
  readyAt: number;
  outcome: 'completed' | 'failed';
  /** Why it failed, in the remote's words. */
  error?: string;
}

export type ProcessingView = { status: 'pending' | 'completed' } | { status: 'failed'; error: string };

// Long enough for a client to see `pending`, short enough not to hold a person's first sync up.
export const DEFAULT_OPENWEBUI_PROCESSING_MS = 2_000;
// Text this small is "extracted" into data.content, as Open WebUI does after processing a file.
const MAX_EXTRACTED_BYTES = 256 * 1024;
// Enough of a file to tell binary bytes from text; Open WebUI's loaders fail on the first bad byte.
const SNIFF_BYTES = 64 * 1024;
const TEXTUAL = /^text\/|^application\/(json|xml|x-yaml|yaml|csv)\b/;

/** What processing `file` gives: its text, or a failure with a reason. `injectedFailure`: a fault-plan rule. */
export async function processUpload(
  file: ReceivedFile,
  filename: string,
  contentType: string,
  injectedFailure: boolean,
): Promise<{ content: string; outcome: 'completed' } | { content: ''; outcome: 'failed'; error: string }> {
  if (injectedFailure) {
    return {
      content: '',
      outcome: 'failed',
      error: `Injected fault: text extraction failed for ${filename}`,
    };
  }
  if (!TEXTUAL.test(contentType)) return { content: '', outcome: 'completed' };
  const head = await readHead(file.path, Math.min(file.size, Math.max(SNIFF_BYTES, MAX_EXTRACTED_BYTES)));
  if (head.subarray(0, SNIFF_BYTES).includes(0)) {
    return {
      content: '',
      outcome: 'failed',
      error: `${filename} is sent as ${contentType.split(';')[0]} but holds binary data, so no text could be read from it`,
    };
  }
  return { content: file.size > MAX_EXTRACTED_BYTES ? '' : head.toString('utf8'), outcome: 'completed' };
}

/** How a stored file's processing looks at `now`. A file stored before processing was recorded is done. */
export function processingAt(record: ProcessingRecord | undefined, now: number): ProcessingView {
  if (record === undefined) return { status: 'completed' };
  if (now < record.readyAt) return { status: 'pending' };
  if (record.outcome === 'failed') return { status: 'failed', error: record.error ?? 'Processing failed' };
  return { status: 'completed' };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
