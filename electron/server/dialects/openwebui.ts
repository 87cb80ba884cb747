// Past 300 lines: one dialect's routes, each short, sharing the file-object view and the admin rule;
// split by route they would repeat both.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { mimeTypeFromName } from '../../base/mime-type.js';
import { sanitizeRemoteFilename } from '../../../shared/remote-filename.js';
import { HttpError, badRequest, notFound, unauthorized } from '../http/http-error.js';
import { sendJson, writeHeaders } from '../http/respond.js';
import type { RequestContext, Route } from '../http/route.js';
import { bearerToken } from '../request-fields.js';
import type { StoredObject } from '../storage/catalog.js';
import type { ReceivedFile } from '../storage/received-file.js';
import type { StorageCore } from '../storage/storage-core.js';
import type { User, UserDirectory } from '../users.js';
import { processingAt, processUpload, type ProcessingRecord } from './openwebui-processing.js';

interface OpenWebUiDeps {
  core: StorageCore;
  users: UserDirectory;
  now: () => number;
  /** How long a new file's processing stays `pending` (openwebui-processing.ts). */
  processingMs: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const PREFIX = String.raw`^/api(?:/v1)?/files`;

/** What the catalog keeps per Open WebUI file beyond the common columns. */
interface OwuiMeta {
  fileMeta: Record<string, unknown>;
  content: string;
  /** Absent on files stored before processing was recorded: those are `completed`. */
  processing?: ProcessingRecord;
}

/** Open WebUI's file API (API.md §3): multipart upload, list, glob search, get, content, delete. */
export function openWebUiRoutes({ core, users, now, processingMs }: OpenWebUiDeps): Route[] {
  const view = (object: StoredObject, withContent: boolean): Record<string, unknown> =>
    toFileObject(object, users, withContent, now());

  const authenticate = (context: RequestContext): User => {
    const token = bearerToken(context.req.headers.authorization);
    if (token === undefined) throw unauthorized('Not authenticated');
    const user = users.authenticate(token);
    if (!user) throw unauthorized('Your session has expired or the token is invalid. Please sign in again.');
    context.user = user;
    return user;
  };

  const renderError = (context: RequestContext, error: HttpError): void => {
    const detail = error instanceof ValidationError ? error.detail : error.message;
    sendJson(context.res, error.status, { detail }, error.headers);
  };

  /** Users see their own files; an admin sees everyone's (Open WebUI's admin bypass). */
  const findVisible = async (user: User, id: string): Promise<StoredObject> => {
    const object = await core.find('owui', id);
    if (!object || (object.owner !== user.name && !user.admin)) throw notFound('File not found');
    return object;
  };

  const visibleFiles = async (user: User): Promise<StoredObject[]> =>
    (await core.list({ ns: 'owui', ...(user.admin ? {} : { owner: user.name }) })).items;

  return [
    {
      name: 'owui.upload',
      method: 'POST',
      pattern: new RegExp(`${PREFIX}/?$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const upload = await receiveMultipart(context.req, core);
        try {
          const metadata = parseMetadata(upload.fields.get('metadata'));
          const fileHash = metadata.file_hash;
          if (fileHash !== undefined && typeof fileHash !== 'string') {
            throw badRequest('INVALID_METADATA', 'metadata.file_hash must be a string');
          }
          // Ours: a file_hash that claims other bytes would make later dedupe skip a file that is not
          // stored, so a SHA-256-shaped file_hash (hex in either case) must match what arrived.
          if (
            typeof fileHash === 'string' &&
            SHA256_HEX.test(fileHash) &&
            fileHash.toLowerCase() !== upload.file.sha256Hex
          ) {
            throw badRequest(
              'HASH_MISMATCH',
              'metadata.file_hash does not match the SHA-256 of the uploaded file',
            );
          }
          const id = randomUUID();
          const fileMeta: Record<string, unknown> = {
            name: upload.filename,
            content_type: upload.contentType,
            size: upload.file.size,
            data: metadata,
            ...(typeof fileHash === 'string' ? { file_hash: fileHash } : {}),
          };
          const processed = await processUpload(
            upload.file,
            upload.filename,
            upload.contentType,
            context.injected?.kind === 'fail-processing',
          );
          const processing: ProcessingRecord = {
            readyAt: now() + processingMs,
            outcome: processed.outcome,
            ...(processed.outcome === 'failed' ? { error: processed.error } : {}),
          };
          const meta: OwuiMeta = { fileMeta, content: processed.content, processing };
          const stored = await core.commitFile(
            {
              ns: 'owui',
              key: id,
              owner: user.name,
              filename: upload.filename,
              contentType: upload.contentType,
              meta: { ...meta },
            },
            upload.file,
          );
          sendJson(context.res, 200, view(stored, true));
        } catch (error) {
          await core.discardFile(upload.file);
          throw error;
        }
      },
    },
    {
      name: 'owui.list',
      method: 'GET',
      pattern: new RegExp(`${PREFIX}/?$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const withContent = booleanParam(context.url, 'content', true);
        const files = await visibleFiles(user);
        sendJson(
          context.res,
          200,
          files.map((file) => view(file, withContent)),
        );
      },
    },
    {
      name: 'owui.search',
      method: 'GET',
      pattern: new RegExp(`${PREFIX}/search$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const pattern = context.url.searchParams.get('filename');
        if (pattern === null) throw new ValidationError('filename', 'Field required', null);
        const withContent = booleanParam(context.url, 'content', true);
        const skip = integerParam(context.url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = integerParam(context.url, 'limit', 100, 1, 1000);
        const matcher = globToRegExp(pattern);
        const matches = (await visibleFiles(user)).filter((file) => matcher.test(file.filename));
        const page = matches.slice(skip, skip + limit);
        if (page.length === 0) throw notFound('No files found matching the pattern.');
        sendJson(
          context.res,
          200,
          page.map((file) => view(file, withContent)),
        );
      },
    },
    {
      name: 'owui.get',
      method: 'GET',
      pattern: new RegExp(`${PREFIX}/(?<id>[^/]+)$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const file = await findVisible(user, context.params.id ?? '');
        sendJson(context.res, 200, view(file, true));
      },
    },
    {
      name: 'owui.content',
      method: 'GET',
      pattern: new RegExp(`${PREFIX}/(?<id>[^/]+)/content$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const file = await findVisible(user, context.params.id ?? '');
        const body = await core.open(file);
        writeHeaders(context.res, 200, {
          'content-type': file.contentType,
          'content-length': String(file.size),
          'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        });
        await pipeBody(body, context);
      },
    },
    {
      name: 'owui.delete',
      method: 'DELETE',
      pattern: new RegExp(`${PREFIX}/(?<id>[^/]+)$`),
      renderError,
      async handle(context) {
        const user = authenticate(context);
        const file = await findVisible(user, context.params.id ?? '');
        await core.remove('owui', file.key);
        sendJson(context.res, 200, { message: 'File deleted successfully' });
      },
    },
    // Deeper paths under the prefix are no route; answer them as FastAPI does ({"detail": "Not Found"})
    // rather than in another dialect's shape. `{id}` and `{id}/content` are left out so a wrong method
    // on them stays a 405.
    ...ROUTE_METHODS.map((method): Route => ({
      name: 'owui.no-route',
      method,
      pattern: new RegExp(`${PREFIX}/(?![^/]*$|[^/]+/content$)`),
      renderError,
      async handle() {
        throw notFound('Not Found');
      },
    })),
  ];
}

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** FastAPI's 422 shape, which Open WebUI answers for query parameters out of range or a missing part. */
class ValidationError extends HttpError {
  readonly detail: Array<{ type: string; loc: string[]; msg: string; input: unknown }>;

  constructor(param: string, message: string, input: unknown, location: 'query' | 'body' = 'query') {
    super(422, 'VALIDATION_ERROR', message);
    this.detail = [{ type: 'value_error', loc: [location, param], msg: message, input }];
  }
}

function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ValidationError(name, 'Input should be a valid boolean', value);
}

function integerParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  // Decimal digits only, as FastAPI parses them: no "1e2", "0x10" or empty string.
  if (!/^-?\d+$/.test(text)) throw new ValidationError(name, 'Input should be a valid integer', text);
  const value = Number(text);
  if (value < min || value > max) {
    throw new ValidationError(name, `Input should be between ${min} and ${max}`, text);
  }
  return value;
}

/** fnmatch-style `*` and `?`, case-insensitive like Open WebUI's search; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const source = Array.from(glob, (char) => {
    if (char === '*') return '.*';
    if (char === '?') return '.';
    return char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }).join('');
  return new RegExp(`^${source}$`, 'isu');
}

/**
 * The file object as Open WebUI answers it. `data`: the processing status (openwebui-processing.ts);
 * the extracted text only once processing completed, and a failure's reason in `error`, where Open
 * WebUI puts it.
 */
function toFileObject(
  object: StoredObject,
  users: UserDirectory,
  withContent: boolean,
  now: number,
): Record<string, unknown> {
  const meta = object.meta as unknown as OwuiMeta;
  const processing = processingAt(meta.processing, now);
  const data =
    processing.status === 'failed'
      ? { status: 'failed', error: processing.error, ...(withContent ? { content: '' } : {}) }
      : processing.status === 'pending'
        ? { status: 'pending', ...(withContent ? { content: '' } : {}) }
        : { status: 'completed', ...(withContent ? { content: meta.content } : {}) };
  return {
    id: object.key,
    user_id: users.users.find((user) => user.name === object.owner)?.id ?? object.owner,
    hash: object.sha256,
    filename: object.filename,
    path: `${object.key}_${object.filename}`,
    data,
    meta: meta.fileMeta,
    created_at: Math.floor(object.createdAt / 1000),
    updated_at: Math.floor(object.updatedAt / 1000),
  };
}

function parseMetadata(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '' || text === 'null') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('INVALID_METADATA', 'metadata must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('INVALID_METADATA', 'metadata must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

interface MultipartUpload {
  file: ReceivedFile;
  filename: string;
  contentType: string;
  fields: Map<string, string>;
}

/**
 * Parses the multipart body: exactly one part named `file`, streamed to a verified temp file, plus
 * small form fields that may arrive before or after it.
 */
async function receiveMultipart(req: RequestContext['req'], core: StorageCore): Promise<MultipartUpload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    throw new ValidationError(
      'file',
      'Field required: send multipart/form-data with a file part',
      null,
      'body',
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 32, fieldSize: 64 * 1024 },
    });
  } catch {
    throw badRequest('INVALID_MULTIPART', 'The multipart body is malformed');
  }
  const fields = new Map<string, string>();
  let received: Promise<{ file: ReceivedFile; filename: string; contentType: string }> | null = null;
  let fileStream: Readable | null = null;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    fail = reject;
    parser.on('field', (name, value) => fields.set(name, value));
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || received !== null) {
        stream.resume();
        return;
      }
      fileStream = stream;
      const filename = sanitizeRemoteFilename(info.filename ?? '');
      const declared =
        info.mimeType && info.mimeType !== 'application/octet-stream' ? info.mimeType : undefined;
      const contentType = declared ?? mimeTypeFromName(filename);
      received = core.receiveFile(stream, { sha256: true }).then((file) => ({ file, filename, contentType }));
      // A failed body (too large, client gone) ends the whole parse; the parser may never close on its own.
      received.catch(reject);
    });
    parser.on('close', resolve);
    parser.on('error', (error: Error) =>
      reject(badRequest('INVALID_MULTIPART', `The multipart body is malformed: ${error.message}`)),
    );
  });
  // A client that disconnects mid-body: `pipe` does not pass the request's error on, so the parser
  // and the file stream would wait forever for bytes that never come, keeping the temp file.
  const onClientGone = (): void => {
    if (req.complete) return;
    const gone = new HttpError(
      400,
      'CLIENT_DISCONNECTED',
      'The client disconnected before the upload finished',
    );
    fileStream?.destroy(gone);
    fail(gone);
  };
  req.once('close', onClientGone);
  // It may already be gone (e.g. while an injected latency fault delayed the handler).
  if (req.destroyed) onClientGone();
  req.pipe(parser);
  const cleanupOnFailure = async (): Promise<void> => {
    const pending = received as Promise<{ file: ReceivedFile }> | null;
    const done = await pending?.catch(() => null);
    if (done) await core.discardFile(done.file);
  };
  try {
    await finished;
  } catch (error) {
    req.unpipe(parser);
    await cleanupOnFailure();
    throw error;
  } finally {
    req.off('close', onClientGone);
  }
  if (received === null) throw new ValidationError('file', 'Field required', null, 'body');
  const upload = await (received as Promise<{ file: ReceivedFile; filename: string; contentType: string }>);
  if (upload.filename === '') {
    await core.discardFile(upload.file);
    throw badRequest('INVALID_FILENAME', 'The file part has no usable filename');
  }
  return { ...upload, fields };
}

async function pipeBody(body: Readable, context: RequestContext): Promise<void> {
  await pipeline(body, context.res);
}
