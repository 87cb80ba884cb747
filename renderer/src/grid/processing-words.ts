import type { RemoteProcessingView } from '../../../shared/remote-browse.js';

/** What the remote's processing of a file means to a person (Open WebUI reads its text for the AI). */
export function processingWords(processing: RemoteProcessingView | null): string {
  if (processing === null) return '—';
  switch (processing.status) {
    case 'pending':
      return 'Processing…';
    case 'completed':
      return 'Ready for AI';
    case 'failed':
      return processing.error ? `Could not be read: ${processing.error}` : 'Could not be read';
  }
}
