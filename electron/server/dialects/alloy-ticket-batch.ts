import { MAX_TICKET_BATCH, TICKET_BATCH_PATH } from '../../base/ticket-batch.js';
import { badRequest, HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import type { StorageCore } from '../storage/storage-core.js';
import type { User } from '../users.js';
import { alloyTicket, type AlloyTicket } from './alloy-ticket.js';

/** One file's answer in a batch: its ticket, or why this file got none. */
type BatchItem = { presignedUrl: AlloyTicket } | { error: { message: string; code: string } };

/**
 * `POST /connectors/files/upload/requests` (ours, docs/reference-remote.md §2): `{"files": [...]}`,
 * each as `upload/request` takes it, answered `{"tickets": [...]}` in the same order. A file the
 * single route would refuse with a 400 gets `{"error": {message, code}}` in its place and the others
 * their tickets; a request that is wrong as a whole (no token, no array, too many files) is refused
 * whole, as the single route would refuse it.
 */
export function alloyTicketBatchRoute(
  prefix: string,
  core: StorageCore,
  authenticate: (context: RequestContext) => User,
  renderError: Route['renderError'],
): Route {
  return {
    name: 'alloy.upload-request-batch',
    method: 'POST',
    pattern: new RegExp(`${prefix}${TICKET_BATCH_PATH}$`),
    renderError,
    async handle(context) {
      const user = authenticate(context);
      const body = await readJsonObject(context.req);
      const files = body.files;
      if (!Array.isArray(files) || files.length === 0 || files.length > MAX_TICKET_BATCH) {
        throw badRequest(
          'INVALID_BATCH',
          `files must be an array of 1 to ${MAX_TICKET_BATCH} upload requests, each as upload/request takes it`,
        );
      }
      const tickets: BatchItem[] = [];
      for (const [index, file] of files.entries()) {
        tickets.push(await batchItem(core, user, file, index));
      }
      sendJson(context.res, 200, { tickets });
    },
  };
}

async function batchItem(core: StorageCore, user: User, file: unknown, index: number): Promise<BatchItem> {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    return { error: { message: `files[${index}] must be a JSON object`, code: 'INVALID_JSON' } };
  }
  try {
    return { presignedUrl: await alloyTicket(core, user, file as Record<string, unknown>) };
  } catch (error) {
    // A refusal of this file alone; a failure of the server (storage) fails the batch.
    if (error instanceof HttpError && error.status === 400) {
      return { error: { message: error.message, code: error.code } };
    }
    throw error;
  }
}
