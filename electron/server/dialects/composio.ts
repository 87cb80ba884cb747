import { createHash } from 'node:crypto';
import { sanitizeRemoteFilename } from '../../../shared/remote-filename.js';
import type { ComposioStorageBackend } from '../faults.js';
import type { HttpError } from '../http/http-error.js';
import { unauthorized } from '../http/http-error.js';
import { readJsonObject } from '../http/request-body.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { isMimeType, parseMd5, requireStrings } from '../request-fields.js';
import type { StoredObject } from '../storage/catalog.js';
import type { StorageCore, UploadIntent } from '../storage/storage-core.js';
import type { User, UserDirectory } from '../users.js';
import {
  ComposioError,
  encodeCursor,
  invalidCursor,
  pageRequest,
  type PageSizes,
} from './composio-paging.js';

export const COMPOSIO_API_VERSIONS = ['v3', 'v3.1'] as const;
export type ComposioApiVersion = (typeof COMPOSIO_API_VERSIONS)[number];

interface ComposioDeps {
  core: StorageCore;
  users: UserDirectory;
  /** Which versions' routes exist (both by default); a server without v3.1 tests a client's fallback. */
  versions?: readonly ComposioApiVersion[];
  /** The storage backend a ticket names, asked per upload request (a fault plan may change it). */
  storageBackend?: () => ComposioStorageBackend;
}

/**
 * What differs between the versions. v3 (API.md §2): tickets `new`, `update` or `existing`, pages of
 * up to 1000. v3.1 (the spec @composio/client is generated from): every ticket is `type: 'new'` with
 * `new_presigned_url` (and the deprecated `newPresignedUrl`), pages of up to 50.
 */
const VERSION_RULES: Record<ComposioApiVersion, { pageSizes: PageSizes; alwaysNew: boolean }> = {
  v3: { pageSizes: { max: 1000, default: 100 }, alwaysNew: false },
  // The default is ours: the spec gives only the maximum.
  'v3.1': { pageSizes: { max: 50, default: 50 }, alwaysNew: true },
};

export const COMPOSIO_MAX_PAGE_SIZE: Record<ComposioApiVersion, number> = {
  v3: VERSION_RULES.v3.pageSizes.max,
  'v3.1': VERSION_RULES['v3.1'].pageSizes.max,
};
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Composio's file API under `/api/v3/` and `/api/v3.1/` (API.md §2, and the v3.1 spec): list with
 * cursor paging, upload request. No delete exists. The routes of both versions share their names
 * (`composio.list`, …), so a fault plan or a request count means the same whichever version a
 * client speaks.
 */
export function composioRoutes({
  core,
  users,
  versions = COMPOSIO_API_VERSIONS,
  storageBackend = () => 's3',
}: ComposioDeps): Route[] {
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

  const routesFor = (version: ComposioApiVersion): Route[] => {
    const rules = VERSION_RULES[version];
    const prefix = `/api/${version}/`;
    const escaped = prefix.replace(/[./]/g, (c) => `\\${c}`);
    return [
      {
        name: 'composio.list',
        method: 'GET',
        pattern: new RegExp(`^${escaped}files\\/list$`),
        renderError,
        async handle(context) {
          const user = authenticate(context);
          const query = context.url.searchParams;
          const toolkit = optionalSlug(query.get('toolkit_slug'), 'toolkit_slug');
          const tool = optionalSlug(query.get('tool_slug'), 'tool_slug');
          const { page, limit } = pageRequest(query.get('cursor'), query.get('limit'), rules.pageSizes);
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
        pattern: new RegExp(`^${escaped}files\\/upload\\/request$`),
        renderError,
        async handle(context) {
          const user = authenticate(context);
          const intent = await uploadIntent(context, user);
          const backend = storageBackend();
          // Composio's own SDK PUTs with Content-Type only, so these URLs take Content-MD5 when sent
          // and do not require it; the body is verified against the requested MD5 either way.
          const { current, putUrl } = await core.prepareUpload(
            intent,
            backend === 'azure_blob_storage' ? 'azure-blob' : 'content-md5-optional',
          );
          const base = { id: idForKey(intent.key), key: intent.key };
          const metadata = { storage_backend: backend };
          if (rules.alwaysNew) {
            const answer = { new_presigned_url: putUrl, newPresignedUrl: putUrl, type: 'new', metadata };
            sendJson(context.res, 200, { ...base, ...answer });
          } else if (current?.md5 === intent.md5Hex) {
            const existingUrl = await core.downloadUrl(current);
            sendJson(context.res, 200, { ...base, type: 'existing', existing_url: existingUrl, metadata });
          } else if (current) {
            sendJson(context.res, 200, { ...base, type: 'update', update_presigned_url: putUrl, metadata });
          } else {
            sendJson(context.res, 200, { ...base, type: 'new', new_presigned_url: putUrl, metadata });
          }
        },
      },
      // Every other path under the version's prefix is not a route (there is no delete, API.md §2),
      // but a Composio client still gets Composio's error body rather than another dialect's. The
      // known paths are excluded so a wrong method on them stays a 405.
      ...ROUTE_METHODS.map((method): Route => ({
        name: 'composio.no-route',
        method,
        pattern: new RegExp(`^${escaped}(?!files\\/list$|files\\/upload\\/request$)`),
        renderError,
        async handle(context) {
          const unsupportedDelete = method === 'DELETE' && context.url.pathname.startsWith(`${prefix}files/`);
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
  };

  /** The checked fields of an upload request, as the storage core's intent. */
  const uploadIntent = async (context: RequestContext, user: User): Promise<UploadIntent> => {
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
    return {
      ns: 'composio',
      key,
      owner: user.name,
      filename,
      md5Hex,
      contentType: fields.mimetype,
      meta: { id: idForKey(key), toolkit_slug: toolkit, tool_slug: tool },
    };
  };

  return versions.flatMap(routesFor);
}

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

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

/** A stable UUID-shaped id per key, known before the bytes land. */
function idForKey(key: string): string {
  const hex = createHash('sha256').update(`composio:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
