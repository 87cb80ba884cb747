// Past 300 lines: the reference server's one dispatch (routes of three dialects, faults, counts,
// error answers and draining a refused body); each dialect's routes live in dialects/.
import { ensureDirectory } from '../base/ensure-directory.js';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from '../base/http-server.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sleep } from '../base/sleep.js';
import { alloyRoutes } from './dialects/alloy.js';
import { alloyMultipartRoutes } from './dialects/alloy-multipart.js';
import { azureBlobRoutes } from './dialects/azure-blob-objects.js';
import { composioRoutes, type ComposioApiVersion } from './dialects/composio.js';
import { openWebUiRoutes } from './dialects/openwebui.js';
import { DEFAULT_OPENWEBUI_PROCESSING_MS } from './dialects/openwebui-processing.js';
import { multipartPartRoutes } from './dialects/multipart-part-routes.js';
import { presignedObjectRoutes } from './dialects/presigned-objects.js';
import { FaultInjector, type ComposioStorageBackend, type FaultPlan } from './faults.js';
import { faultError, resetConnection } from './http/fault-responses.js';
import { HttpError } from './http/http-error.js';
import { sendJson } from './http/respond.js';
import { formatRequestLine } from './http/request-log.js';
import { matchRoute, type RequestContext, type Route } from './http/route.js';
import type { BlobStore } from './storage/blob-store.js';
import { FsBlobStore } from './storage/fs-blob-store.js';
import type { GroupCommitHooks } from './storage/group-commit.js';
import { FsMultipartParts } from './storage/fs-multipart.js';
import {
  DEFAULT_MULTIPART_EXPIRY_SECONDS,
  MultipartUploads,
  S3_MIN_PART_BYTES,
} from './storage/multipart-uploads.js';
import { BodyTooLargeError } from './storage/received-file.js';
import type { S3Options } from './storage/s3-blob-store.js';
import { StorageCore } from './storage/storage-core.js';
import { UploadUrls } from './upload-urls.js';
import { UrlSigner } from './url-signer.js';
import { UserDirectory, type User, type UserSpec } from './users.js';
import { InFlightCounter } from './in-flight-counter.js';

export type BackendOptions = { kind: 'fs' } | ({ kind: 's3' } & S3Options);

export interface ReferenceServerOptions {
  dataDir: string;
  users: UserSpec[];
  /** 127.0.0.1 unless told otherwise: the reference server is not meant to face a network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  backend?: BackendOptions;
  /** Lifetime of presigned URLs; 1 hour like Alloy's. */
  urlTtlSeconds?: number;
  /** Largest object accepted; S3's single-PUT limit of 5 GiB by default. */
  maxObjectBytes?: number;
  /** fsync uploads before committing them (on by default; tests may turn it off for speed). */
  fsync?: boolean;
  faults?: FaultPlan | null;
  /** Base URL put in presigned URLs when clients reach the server by another name. */
  publicUrl?: string;
  log?: (line: string) => void;
  now?: () => number;
  /** See StorageCoreOptions.sweepDelayMs; tests set 0. */
  sweepDelayMs?: number;
  /** Test seams of the fs backend's group commit (see GroupCommitHooks). */
  groupCommitHooks?: GroupCommitHooks;
  /**
   * How long an Open WebUI file's processing (its text extraction) is reported `pending` before its
   * outcome (dialects/openwebui-processing.ts). A moment by default, as on a real server.
   */
  openWebUiProcessingMs?: number;
  /** The Composio API versions served (both by default); without v3.1 a client's fallback is tested. */
  composioApiVersions?: readonly ComposioApiVersion[];
  /**
   * The storage behind Composio's upload URLs (`s3` by default); `azure_blob_storage` hands out
   * Azure-style URLs. A fault plan's `composioStorageBackend` overrides it while set.
   */
  composioStorageBackend?: ComposioStorageBackend;
  /**
   * Smallest multipart part but the last (docs/reference-remote.md §2a): S3's 5 MiB by default; tests
   * lower it so a multipart file can be a few kilobytes.
   */
  multipartMinPartBytes?: number;
  /** A multipart upload nobody asked about for this long is aborted and its parts removed (24 h). */
  multipartExpirySeconds?: number;
  /** Where requests in flight are counted; pass one to several servers to count them together. */
  inFlight?: InFlightCounter;
}

export interface ReferenceServer {
  readonly url: string;
  readonly port: number;
  readonly users: User[];
  readonly backend: BlobStore['kind'];
  readonly faults: FaultInjector;
  /** Requests answered per route name, e.g. `object.put`; tests count uploads with it. */
  readonly requestCounts: Map<string, number>;
  /** Requests being answered now and at most at once, per route name (e.g. `object.put` bodies). */
  readonly inFlight: InFlightCounter;
  /** Resolves once the background sweep of orphan blobs has run (the number removed). */
  swept(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_URL_TTL_SECONDS = 3600;
export const DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 ** 3;
// In-flight requests get this long to finish on shutdown before their connections are cut.
const SHUTDOWN_GRACE_MS = 5000;

export async function startReferenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const now = options.now ?? Date.now;
  await ensureDirectory(options.dataDir, 0o755);
  const users = new UserDirectory(options.users);
  const signer = await UrlSigner.load(join(options.dataDir, 'signing.key'));
  const backend = options.backend ?? { kind: 'fs' };
  // The data dir's whole layout exists from the start, though blobs/ is first written later.
  if (backend.kind === 'fs') await mkdir(join(options.dataDir, 'blobs'), { recursive: true });
  // The AWS SDK is loaded only for the S3 backend: ~0.25 s of start-up that the embedded remote
  // (started with every `hoist sync`) and any fs-backed server never need.
  let fsBlobs: FsBlobStore | null = null;
  let blobs: BlobStore;
  if (backend.kind === 's3')
    blobs = new (await import('./storage/s3-blob-store.js')).S3BlobStore(backend, now);
  else blobs = fsBlobs = new FsBlobStore(join(options.dataDir, 'blobs'), options.fsync ?? true);
  let baseUrl = options.publicUrl ?? '';
  const core = await StorageCore.open({
    dataDir: options.dataDir,
    blobs,
    signer,
    publicUrl: () => baseUrl,
    maxObjectBytes: options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    urlTtlSeconds: options.urlTtlSeconds ?? DEFAULT_URL_TTL_SECONDS,
    fsync: options.fsync ?? true,
    now,
    ...(options.sweepDelayMs !== undefined ? { sweepDelayMs: options.sweepDelayMs } : {}),
    ...(options.groupCommitHooks !== undefined ? { groupCommitHooks: options.groupCommitHooks } : {}),
  });
  const urlTtlSeconds = options.urlTtlSeconds ?? DEFAULT_URL_TTL_SECONDS;
  const multipartExpirySeconds = options.multipartExpirySeconds ?? DEFAULT_MULTIPART_EXPIRY_SECONDS;
  const fsParts =
    fsBlobs !== null
      ? new FsMultipartParts({
          blobs: fsBlobs,
          root: join(options.dataDir, 'multipart'),
          tmpDir: core.tempDirectory,
          fsync: options.fsync ?? true,
          urls: new UploadUrls(signer, () => baseUrl, now, urlTtlSeconds),
          records: core.multipartRecords,
          now,
        })
      : null;
  const multipartBackend = fsParts ?? blobs.multipart;
  if (multipartBackend === undefined)
    throw new Error(`The ${blobs.kind} blob store takes no multipart uploads`);
  const multipart = new MultipartUploads(core, multipartBackend, {
    minPartBytes: options.multipartMinPartBytes ?? S3_MIN_PART_BYTES,
    expirySeconds: multipartExpirySeconds,
    urlTtlSeconds,
    now,
  });
  const faults = new FaultInjector(options.faults ?? null);
  const routes: Route[] = [
    ...alloyRoutes({ core, users }),
    ...alloyMultipartRoutes({ multipart, users, expirySeconds: multipartExpirySeconds }),
    ...composioRoutes({
      core,
      users,
      ...(options.composioApiVersions !== undefined ? { versions: options.composioApiVersions } : {}),
      storageBackend: () => faults.composioStorageBackend ?? options.composioStorageBackend ?? 's3',
    }),
    ...openWebUiRoutes({
      core,
      users,
      now,
      processingMs: options.openWebUiProcessingMs ?? DEFAULT_OPENWEBUI_PROCESSING_MS,
    }),
    ...presignedObjectRoutes({ core, signer, now }),
    ...azureBlobRoutes({ core, signer, now }),
    ...(fsParts !== null
      ? multipartPartRoutes({ multipart, store: fsParts, records: core.multipartRecords, signer, now })
      : []),
  ];
  const requestCounts = new Map<string, number>();
  const inFlight = options.inFlight ?? new InFlightCounter();
  // No line is even formatted without a log (a date and a join per request, ~2% of a ticket's CPU).
  const log = options.log ?? null;

  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    void handleRequest(req, res, {
      routes,
      faults,
      requestCounts,
      inFlight,
      log,
      now,
      baseUrl: () => baseUrl,
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (baseUrl === '') baseUrl = url;

  return {
    url,
    port: address.port,
    users: users.users,
    backend: blobs.kind,
    faults,
    requestCounts,
    inFlight,
    swept: () => core.swept(),
    close: async () => {
      await closeGracefully(server);
      await multipart.close();
      await core.close();
    },
  };
}

interface Dispatch {
  routes: readonly Route[];
  faults: FaultInjector;
  requestCounts: Map<string, number>;
  inFlight: InFlightCounter;
  log: ((line: string) => void) | null;
  now: () => number;
  baseUrl: () => string;
}

// Request ids: a random prefix per process and a counter, 16 hex characters. Unique per server without
// a call into OpenSSL per request (randomBytes was 3.5% of an S3 upload request's CPU).
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex');
let requestCounter = 0;

function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x1_0000_0000;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(8, '0');
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, dispatch: Dispatch): Promise<void> {
  const startedAt = dispatch.now();
  const context: RequestContext = {
    req,
    res,
    url: new URL(req.url ?? '/', 'http://reference.invalid'),
    params: {},
    requestId: nextRequestId(),
    user: null,
  };
  const { match, methodMismatch } = matchRoute(dispatch.routes, req.method ?? 'GET', context.url.pathname);
  const routeName = match?.route.name ?? 'unmatched';
  // Over once the answer is written ('finish'), before the client can read it and send the next.
  const leave = dispatch.inFlight.enter(routeName);
  res.once('finish', leave);
  res.once('close', () => {
    leave();
    dispatch.requestCounts.set(routeName, (dispatch.requestCounts.get(routeName) ?? 0) + 1);
    dispatch.log?.(formatRequestLine(context, routeName, startedAt, dispatch.now()));
  });
  // Clients that vanish mid-body surface as stream errors in the handler; never let one escape.
  req.on('error', () => undefined);
  res.on('error', () => undefined);

  if (!match) {
    const error = methodMismatch
      ? new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${context.url.pathname}`)
      : new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${context.url.pathname}`);
    if (methodMismatch) methodMismatch.renderError(context, error);
    else sendJson(res, error.status, { error: { message: error.message, code: error.code } });
    return;
  }
  const { route } = match;
  try {
    context.params = decodeParams(match.params);
    const decision = dispatch.faults.decide(route.name);
    if (decision.latencyMs > 0 && !(await delayUnlessClosed(decision.latencyMs, res))) return;
    if (decision.action.kind === 'reset') return resetConnection(context);
    const injected = faultError(decision.action, route.name);
    if (injected) throw injected;
    context.injected = decision.action;
    await route.handle(context);
  } catch (error) {
    await answerError(context, route, error);
  }
}

async function answerError(context: RequestContext, route: Route, error: unknown): Promise<void> {
  const { req, res } = context;
  if (res.headersSent || res.destroyed) {
    // Mid-response failure: the only honest signal left is to cut the connection. A client that went
    // away is not news; anything else is a server fault to see in the log.
    if (!res.destroyed) console.error(`reference server: ${route.name} failed mid-response:`, error);
    res.destroy();
    return;
  }
  const httpError = toHttpError(error);
  if (httpError.status >= 500 && !(error instanceof HttpError)) {
    console.error(`reference server: ${route.name} failed:`, error);
  }
  // A small body nobody read (refused before reading: a bad token) is read to its end first: a client
  // still writing it when the connection closes sees EPIPE instead of our answer (Node 24's fetch
  // does). A large one, or one a handler began reading, must not be drained: close instead.
  if (!req.complete && !(await drainedSmallBody(req))) res.setHeader('connection', 'close');
  if (res.destroyed) return;
  route.renderError(context, httpError);
}

/** The largest unread body drained before an error answer, and how long that may take. */
const DRAIN_MAX_BYTES = 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

/** Reads an untouched request body of at most DRAIN_MAX_BYTES to its end; false when it would not. */
async function drainedSmallBody(req: IncomingMessage): Promise<boolean> {
  const length = Number(req.headers['content-length']);
  if (req.readableFlowing !== null || !Number.isFinite(length) || length > DRAIN_MAX_BYTES) return false;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), DRAIN_MAX_MS);
    const done = (ended: boolean) => () => {
      clearTimeout(timer);
      resolve(ended);
    };
    req.once('end', done(true));
    req.once('error', done(false));
    req.once('close', done(req.complete));
    req.resume();
  });
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof BodyTooLargeError) {
    return new HttpError(413, 'FILE_TOO_LARGE', `File too large: the limit is ${error.maxBytes} bytes`);
  }
  return new HttpError(500, 'INTERNAL', 'Internal server error');
}

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      throw new HttpError(400, 'INVALID_PATH', `The ${name} in the path is not valid percent-encoding`);
    }
  }
  return decoded;
}

/** Waits `ms`; false when the client went away (or the server shut down) meanwhile. */
async function delayUnlessClosed(ms: number, res: ServerResponse): Promise<boolean> {
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once('close', onClose);
  try {
    await sleep(ms, gone.signal);
    return true;
  } catch {
    return false;
  } finally {
    res.off('close', onClose);
  }
}

async function closeGracefully(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(timer);
}
