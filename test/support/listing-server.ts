import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

/**
 * A small HTTP server that lists a huge generated remote in the three dialects, writing each body
 * as it goes (with backpressure), so a listing of 1,000,000 entries costs it almost no memory: what
 * the listing tests and the listing benchmark fetch from. It only lists (no uploads); the entries
 * are a pure function of their index, so a reader can check any row without keeping them all.
 *
 * - Alloy: `GET /connectors/files/list` → `{"files": [...]}`, unpaged, with an ETag (`version`)
 *   answered by 304 when the client sends it back.
 * - Composio: `GET /api/v3/files/list?limit&cursor` → pages of `limit` items with `next_cursor`.
 * - Open WebUI: `GET /api/v1/files/` → one JSON array, unpaged.
 */
export interface ListingServerOptions {
  /** How many files the remote holds. */
  count: number;
  /** The Alloy listing's ETag (without quotes). Default "v1". */
  version?: string;
  /** Entry `index` is replaced by this raw JSON text (a bad entry mid-stream). */
  corrupt?: { index: number; json: string };
  /** The connection is cut once this many entries were written (a remote dying mid-listing). */
  cutAfter?: number;
  /** The body goes silent once this many entries were written, until the client gives up. */
  stallAfter?: number;
  /** Entries skipped (as if removed) and the size added to each entry (as if rewritten). */
  variant?: { skipEvery?: number; sizeDelta?: number };
}

export interface ListedRemoteFile {
  s3Key: string;
  filename: string;
  size: number;
  lastModified: string;
}

export const LISTING_USER_PREFIX = '651eb6e11d156e0d7a42c59d_';

/**
 * The file at `index`: a name like Hoist's encoded paths (folders joined with U+2215), one in ten
 * at the top level, so the display path differs from the name for most rows.
 */
export function listedFile(index: number, sizeDelta = 0): ListedRemoteFile {
  const padded = String(index).padStart(7, '0');
  const filename =
    index % 10 === 0
      ? `notes-${padded}.md`
      : `projects\u2215client-${String(index % 997).padStart(4, '0')}\u2215reports\u2215file-${padded}.pdf`;
  return {
    s3Key: `${LISTING_USER_PREFIX}${filename}`,
    filename,
    size: 1000 + ((index * 7919) % 1_000_000) + sizeDelta,
    lastModified: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
  };
}

export interface ListingServer {
  url: string;
  /** GET requests per path (no query), 304s included. */
  requests: Map<string, number>;
  /** Listing requests answered 304. */
  notModified: number;
  /** Listing bodies written to their end (a client reading as it goes sees this lag behind). */
  completed: number;
  /** Changes what the next listings say (the ETag changes with it when `version` is given). */
  update(options: Partial<ListingServerOptions>): void;
  close(): Promise<void>;
}

// Entries per write: big enough that the loop is cheap, small enough that the socket's buffer holds
// a few of them at most.
const ENTRIES_PER_CHUNK = 200;

export async function startListingServer(initial: ListingServerOptions): Promise<ListingServer> {
  let options: ListingServerOptions = { ...initial };
  const requests = new Map<string, number>();
  const state = { notModified: 0, completed: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://listing');
    requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
    const current = options;
    void answer(url, req.headers['if-none-match'], res, current, state).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get notModified() {
      return state.notModified;
    },
    get completed() {
      return state.completed;
    },
    update: (patch) => {
      options = { ...options, ...patch };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(
  url: URL,
  ifNoneMatch: string | undefined,
  res: ServerResponse,
  options: ListingServerOptions,
  state: { notModified: number; completed: number },
): Promise<void> {
  const body = listingBody(url, options);
  if (body === null) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `No route for ${url.pathname}`, code: 'NOT_FOUND' } }));
    return;
  }
  const etag = `"${options.version ?? 'v1'}"`;
  if (body.tagged && ifNoneMatch === etag) {
    state.notModified++;
    res.writeHead(304, { etag }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', ...(body.tagged ? { etag } : {}) });
  if (await writeEntries(res, body, options)) state.completed++;
}

interface ListingBody {
  open: string;
  close: string;
  start: number;
  end: number;
  /** Alloy's listing carries an ETag. */
  tagged: boolean;
  render: (file: ListedRemoteFile, index: number) => string;
}

/** What a path lists in its dialect, or null for a path that is no listing. */
function listingBody(url: URL, options: ListingServerOptions): ListingBody | null {
  const all = { start: 0, end: options.count };
  if (url.pathname === '/connectors/files/list') {
    return { ...all, open: '{"files":[', close: ']}', tagged: true, render: (file) => JSON.stringify(file) };
  }
  if (url.pathname === '/api/v1/files/' || url.pathname === '/api/v1/files') {
    return {
      ...all,
      open: '[',
      close: ']',
      tagged: false,
      render: (file, index) =>
        JSON.stringify({
          id: `id-${index}`,
          user_id: 'u1',
          filename: file.filename,
          meta: { name: file.filename, size: file.size, content_type: 'application/pdf' },
          created_at: 1_767_225_600 + index,
          updated_at: 1_767_225_600 + index,
        }),
    };
  }
  if (url.pathname === '/api/v3/files/list') {
    const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? '1000'));
    const cursor = url.searchParams.get('cursor');
    const start = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64').toString('utf8'));
    const end = Math.min(options.count, start + limit);
    const next = end < options.count ? Buffer.from(String(end)).toString('base64') : null;
    return {
      start,
      end,
      open: '{"items":[',
      close: `],"next_cursor":${JSON.stringify(next)}}`,
      tagged: false,
      render: (file) =>
        JSON.stringify({
          toolkit_slug: 'hoist',
          tool_slug: 'sync',
          filename: file.filename,
          mimetype: 'application/pdf',
          md5: null,
        }),
    };
  }
  return null;
}

/**
 * Writes `open`, the entries from `start` to `end` separated by commas, and `close`, with
 * backpressure; false when the body was cut (on purpose, or by the client going away).
 */
async function writeEntries(
  res: ServerResponse,
  body: ListingBody,
  options: ListingServerOptions,
): Promise<boolean> {
  const skipEvery = options.variant?.skipEvery ?? 0;
  const sizeDelta = options.variant?.sizeDelta ?? 0;
  let chunk = body.open;
  let first = true;
  let written = 0;
  for (let index = body.start; index < body.end; index++) {
    if (skipEvery > 0 && index % skipEvery === 0) continue;
    if (options.cutAfter !== undefined && written >= options.cutAfter) {
      if (!res.write(chunk)) await drained(res);
      res.destroy();
      return false;
    }
    if (options.stallAfter !== undefined && written >= options.stallAfter) {
      res.write(chunk);
      if (!res.destroyed) await once(res, 'close');
      return false;
    }
    const text =
      options.corrupt?.index === index
        ? options.corrupt.json
        : body.render(listedFile(index, sizeDelta), index);
    chunk += (first ? '' : ',') + text;
    first = false;
    written++;
    if (written % ENTRIES_PER_CHUNK === 0) {
      if (!res.write(chunk)) await drained(res);
      chunk = '';
      if (res.destroyed) return false;
    }
  }
  res.end(chunk + body.close);
  return true;
}

/** Until the response can take more, or its connection is gone (a client that stopped reading). */
async function drained(res: ServerResponse): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([
      once(res, 'drain', { signal: done.signal }),
      once(res, 'close', { signal: done.signal }),
    ]);
  } finally {
    done.abort();
  }
}
