/**
 * The reference remote's batch of upload tickets (ours, docs/reference-remote.md §2): one request
 * asks for the tickets of many files, so a folder of small files costs one round trip of JSON per
 * batch instead of one per file. Real Alloy has no such route; the remote says it has one with a
 * header on its ticket and listing answers, and a client without that header never calls it.
 */

/** The route, after the Alloy files prefix (`/connectors/files`). */
export const TICKET_BATCH_PATH = '/upload/requests';

/** Present on the reference remote's answers, its value the most files one batch may name. */
export const TICKET_BATCH_HEADER = 'x-hoist-ticket-batch';

/** The most files one batch may name. */
export const MAX_TICKET_BATCH = 100;
