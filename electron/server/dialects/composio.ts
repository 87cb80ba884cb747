import { createHash } from 'node:crypto';
import { sanitizeRemoteFilename } from '../../../shared/remote-filename.js';
import { HttpError, unauthorized } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { isMimeType, parseMd5, requireStrings } from '../request-fields.js';
import type { StoredObject } from '../storage/catalog.js';
import type { StorageCore } from '../storage/storage-core.js';
import type { User, UserDirectory } from '../users.js';

interface ComposioDeps {
  core: StorageCore;
  users: UserDirectory;
}

export const COMPOSIO_MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Composio's v3 file API (API.md §2): list with cursor paging, upload request. No delete exists. */
export function composioRoutes({ core, users }: ComposioDeps): Route[] {
  const authenticate = (context: RequestContext): User => {
    const header = context.req.headers['x-api-key'] ?? context.req.headers['x-user-api-key'];
    const token = Array.isArray(header) ? header[0] : header;
    if (token === undefined || token === '') throw unauthorized('Missing API key: send the x-api-key header');
    const user = users.authenticate(token);
    if (!user) throw unauthorized('The API key is not valid');
    context.user = user;
    return user;
  };

  const renderError = (context: RequestContext, error: HttpError): void => {
    const details = error instanceof ComposioError ? error.details : [];
    sendJson(
      context.res,
      error.status,
      {
        error: {
          message: error.message,
          code: error.status,
          slug: error.code,
          status: error.status,
          request_id: context.requestId,
          ...(error instanceof ComposioError && error.suggestedFix
            ? { suggested_fix: error.suggestedFix }
            : {}),
          ...(details.length > 0 ? { errors: details } : {}),
        },
      },
      error.headers,
    );
  };

  return [
    {
      name: 'composio.list',
      method: 'GET',
      pattern: /^\/api\/v3\/files\/list$/,
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const query = context.url.searchParams;
        const toolkit = optionalSlug(query.get('toolkit_slug'), 'toolkit_slug');
        const tool = optionalSlug(query.get('tool_slug'), 'tool_slug');
        const { page, limit } = pageRequest(query.get('cursor'), query.get('limit'));
        const keyPrefix = toolkit !== undefined ? `${user.id}/${toolkit}/` : `${user.id}/`;
        const { items, total } = await core.list({
          ns: 'composio',
          owner: user.name,
          keyPrefix,
          ...(tool !== undefined ? { metaEquals: { tool_slug: tool } } : {}),
          offset: (page - 1) * limit,
          limit,
        });
        const totalPages = Math.ceil(total / limit);
        // Ours: files are never removed here, so a page past the end was not handed out by this API.
        if (page > 1 && page > totalPages) {
          throw invalidCursor(`cursor points at page ${page}, but there are only ${totalPages} pages`);
        }
        sendJson(context.res, 200, {
          items: items.map(toListItem),
          next_cursor: page < totalPages ? encodeCursor(page + 1, limit) : null,
          total_pages: totalPages,
          current_page: page,
          total_items: total,
        });
      },
    },
    {
      name: 'composio.upload-request',
      method: 'POST',
      pattern: /^\/api\/v3\/files\/upload\/request$/,
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const body = await readJsonObject(context.req);
        const fields = requireStrings(body, [
          'toolkit_slug',
          'tool_slug',
          'filename',
          'mimetype',
          'md5',
        ] as const);
        const toolkit = requiredSlug(fields.toolkit_slug, 'toolkit_slug');
        const tool = requiredSlug(fields.tool_slug, 'tool_slug');
        const md5Hex = parseMd5(fields.md5, 'hex');
        if (md5Hex === null) throw new ComposioError(400, 'File_InvalidMd5', 'md5 must be 32 hex characters');
        if (!isMimeType(fields.mimetype)) {
          throw new ComposioError(400, 'File_InvalidMimetype', 'mimetype must look like type/subtype');
        }
        const filename = sanitizeRemoteFilename(fields.filename);
        if (filename === '') {
          throw new ComposioError(400, 'File_InvalidFilename', 'filename has no usable characters');
        }
        // A key ending in "/." or "/.." is rewritten by every URL parser, so no client could PUT to it.
        if (filename === '.' || filename === '..') {
          throw new ComposioError(400, 'File_InvalidFilename', `filename cannot be "${filename}"`);
        }
        const key = `${user.id}/${toolkit}/${tool}/${filename}`;
        const id = idForKey(key);
        const { current, putUrl } = await core.prepareUpload({
          ns: 'composio',
          key,
          owner: user.name,
          filename,
          md5Hex,
          contentType: fields.mimetype,
          meta: { id, toolkit_slug: toolkit, tool_slug: tool },
        });
        const metadata = { storage_backend: 's3' };
        if (current?.md5 === md5Hex) {
          const existingUrl = await core.downloadUrl(current);
          sendJson(context.res, 200, { id, key, type: 'existing', existing_url: existingUrl, metadata });
        } else if (current) {
          sendJson(context.res, 200, { id, key, type: 'update', update_presigned_url: putUrl, metadata });
        } else {
          sendJson(context.res, 200, { id, key, type: 'new', new_presigned_url: putUrl, metadata });
        }
      },
    },
    // Every other path under /api/v3/ is not a route (there is no delete, API.md §2), but a Composio
    // client still gets Composio's error body rather than another dialect's. The known paths are
    // excluded so a wrong method on them stays a 405.
    ...ROUTE_METHODS.map((method): Route => ({
      name: 'composio.no-route',
      method,
      pattern: /^\/api\/v3\/(?!files\/list$|files\/upload\/request$)/,
      renderError,
      async handle(context) {
        const unsupportedDelete = method === 'DELETE' && context.url.pathname.startsWith('/api/v3/files/');
        throw new ComposioError(
          404,
          'Route_NotFound',
          `No route for ${method} ${context.url.pathname}`,
          [],
          unsupportedDelete ? 'The Composio file API has no delete endpoint' : undefined,
        );
      },
    })),
  ];
}

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

class ComposioError extends HttpError {
  constructor(
    status: number,
    slug: string,
    message: string,
    readonly details: string[] = [],
    readonly suggestedFix?: string,
  ) {
    super(status, slug, message);
  }
}

function toListItem(object: StoredObject): Record<string, string> {
  return {
    toolkit_slug: String(object.meta.toolkit_slug ?? ''),
    tool_slug: String(object.meta.tool_slug ?? ''),
    filename: object.filename,
    mimetype: object.contentType,
    md5: object.md5,
  };
}

function optionalSlug(value: string | null, name: string): string | undefined {
  if (value === null || value === '') return undefined;
  return requiredSlug(value, name);
}

function requiredSlug(value: string, name: string): string {
  if (!SLUG.test(value)) {
    throw new ComposioError(
      400,
      'Request_InvalidSlug',
      `${name} must be 1-128 characters of A-Z a-z 0-9 _ . -`,
    );
  }
  return value;
}

function invalidCursor(detail?: string): ComposioError {
  return new ComposioError(
    400,
    'Request_InvalidCursor',
    'cursor is not a cursor this API returned',
    detail !== undefined ? [detail] : [],
    'Pass next_cursor from the previous page unchanged',
  );
}

/** Cursor: base64 of `{"page":N,"limit":L}` ("ours"; the docs only say "page and limit"). */
export function encodeCursor(page: number, limit: number): string {
  return Buffer.from(JSON.stringify({ page, limit })).toString('base64');
}

function pageRequest(cursor: string | null, limitText: string | null): { page: number; limit: number } {
  let limit = DEFAULT_PAGE_SIZE;
  if (limitText !== null && limitText !== '') {
    // Decimal digits only: Number() would also take " 3", "1e2" and "0x10".
    limit = /^[0-9]{1,5}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > COMPOSIO_MAX_PAGE_SIZE) {
      throw new ComposioError(
        400,
        'Request_InvalidLimit',
        `limit must be an integer from 1 to ${COMPOSIO_MAX_PAGE_SIZE}`,
        [`limit: got ${limitText}`],
      );
    }
  }
  if (cursor === null || cursor === '') return { page: 1, limit };
  const invalid = invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  const fields = decoded as { page?: unknown; limit?: unknown } | null;
  const page = fields?.page;
  const cursorLimit = fields?.limit;
  if (
    typeof page !== 'number' ||
    typeof cursorLimit !== 'number' ||
    !Number.isInteger(page) ||
    !Number.isInteger(cursorLimit) ||
    page < 1 ||
    cursorLimit < 1 ||
    cursorLimit > COMPOSIO_MAX_PAGE_SIZE
  ) {
    throw invalid;
  }
  // The cursor carries its own page size: the pages a client walks must not shift under it.
  return { page, limit: cursorLimit };
}

/** A stable UUID-shaped id per key, known before the bytes land. */
function idForKey(key: string): string {
  const hex = createHash('sha256').update(`composio:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
