import { MAX_TICKET_BATCH, TICKET_BATCH_HEADER } from '../../base/ticket-batch.js';
import { badRequest, forbidden, notFound, unauthorized, type HttpError } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { answeredNotModified, sendJson, sendJsonArray } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { bearerToken } from '../request-fields.js';
import type { StorageCore } from '../storage/storage-core.js';
import type { User, UserDirectory } from '../users.js';
import { alloyTicket } from './alloy-ticket.js';
import { alloyTicketBatchRoute } from './alloy-ticket-batch.js';

/** The only version the reference speaks; the guide sends it as a header and as a path prefix. */
export const ALLOY_API_VERSION = '2025-09';

interface AlloyDeps {
  core: StorageCore;
  users: UserDirectory;
}

const PREFIX = String.raw`^/(?:(?<version>\d{4}-\d{2})/)?connectors/files`;

/** Alloy's file API (API.md §1): upload request, list, delete; and ours, a batch of upload requests. */
export function alloyRoutes({ core, users }: AlloyDeps): Route[] {
  const authenticate = alloyAuthenticator(users);
  const renderError = renderAlloyError;

  return [
    {
      name: 'alloy.upload-request',
      method: 'POST',
      pattern: new RegExp(`${PREFIX}/upload/request$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const body = await readJsonObject(context.req);
        const ticket = await alloyTicket(core, user, body);
        advertiseTicketBatch(context);
        sendJson(context.res, 200, { presignedUrl: ticket });
      },
    },
    alloyTicketBatchRoute(PREFIX, core, authenticate, renderError),
    {
      name: 'alloy.list',
      method: 'GET',
      pattern: new RegExp(`${PREFIX}/list$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const prefix = `${user.id}_`;
        advertiseTicketBatch(context);
        // Ours (docs/reference-remote.md §2): an ETag, so a client holding the current listing
        // gets a 304 instead of every file again.
        const etag = `"${await core.listingVersion('alloy', user.name, prefix)}"`;
        if (answeredNotModified(context.req, context.res, etag)) return;
        // Streamed a page at a time: a user with 100,000 files must not cost the server 100 MB.
        await sendJsonArray(
          context.res,
          'files',
          core.walk('alloy', user.name, prefix, { reconciled: true }),
          (item) => ({
            s3Key: item.key,
            filename: item.filename,
            size: item.size,
            lastModified: new Date(item.updatedAt).toISOString(),
          }),
          { etag },
        );
      },
    },
    {
      name: 'alloy.delete',
      method: 'DELETE',
      pattern: new RegExp(`${PREFIX}/(?<key>[^/]+)$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const key = context.params.key ?? '';
        // Ownership is in the key itself; refuse before touching storage so nothing leaks.
        if (!key.startsWith(`${user.id}_`))
          throw forbidden(`No file with the key ${key} belongs to this user`);
        const removed = await core.remove('alloy', key);
        if (!removed) throw notFound(`No file with key ${key}`);
        sendJson(context.res, 200, { success: true, message: `File ${key} deleted successfully` });
      },
    },
  ];
}

/** Alloy's checks for every route: bearer token, known user, API version. */
export function alloyAuthenticator(users: UserDirectory): (context: RequestContext) => User {
  return (context) => {
    const token = bearerToken(context.req.headers.authorization);
    if (token === undefined) throw unauthorized('Missing API token: send Authorization: Bearer <token>');
    const user = users.authenticate(token);
    if (!user) throw unauthorized('The API token is not valid');
    context.user = user;
    checkVersion(context);
    return user;
  };
}

/** Ours: tells a client on the answers it reads before uploading that tickets come in batches too. */
function advertiseTicketBatch(context: RequestContext): void {
  context.res.setHeader(TICKET_BATCH_HEADER, String(MAX_TICKET_BATCH));
}

/** Alloy's error body (ours: the docs name no shape). */
export function renderAlloyError(context: RequestContext, error: HttpError): void {
  sendJson(context.res, error.status, { error: { message: error.message, code: error.code } }, error.headers);
}

/** The path before every Alloy file route, with the optional version prefix. */
export const ALLOY_FILES_PREFIX = PREFIX;

function checkVersion(context: RequestContext): void {
  const header = context.req.headers['x-api-version'];
  const fromPath = context.params.version;
  if (header === undefined && fromPath === undefined) {
    throw badRequest(
      'MISSING_API_VERSION',
      `Missing x-api-version header; send x-api-version: ${ALLOY_API_VERSION}`,
    );
  }
  for (const version of [header, fromPath]) {
    if (version !== undefined && version !== ALLOY_API_VERSION) {
      throw badRequest(
        'UNSUPPORTED_API_VERSION',
        `API version ${String(version)} is not supported; use ${ALLOY_API_VERSION}`,
      );
    }
  }
}
