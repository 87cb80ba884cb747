import type { IncomingMessage, ServerResponse } from 'node:http';
import fresh from 'fresh';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  writeHeaders(res, status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Answers `{"<field>": [...]}` with the array streamed page by page (chunked), waiting for the client
 * to drain each page, so the server never holds more than a page of a listing.
 */
export async function sendJsonArray<T>(
  res: ServerResponse,
  field: string,
  pages: AsyncIterable<T[]>,
  toJson: (item: T) => unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  // The first page is read before the status goes out: what fails early (a backend that cannot be
  // listed) still gets a proper error response instead of a cut connection.
  const iterator = pages[Symbol.asyncIterator]();
  let next = await iterator.next();
  writeHeaders(res, 200, { 'content-type': 'application/json; charset=utf-8', ...headers });
  let first = true;
  res.write(`{${JSON.stringify(field)}:[`);
  try {
    for (; next.done !== true; next = await iterator.next()) {
      const page = next.value;
      if (page.length === 0) continue;
      const text = page.map((item) => JSON.stringify(toJson(item))).join(',');
      const flowing = res.write(first ? text : `,${text}`);
      first = false;
      if (!flowing) await drainedOrClosed(res);
      if (res.destroyed) return;
    }
  } finally {
    if (next.done !== true) await iterator.return?.();
  }
  res.end(']}');
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** The S3 error document a presigned-URL client expects (API.md §4). */
export function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: { key?: string; requestId: string },
  headers: Record<string, string> = {},
): void {
  const parts = [`<Code>${escapeXml(code)}</Code>`, `<Message>${escapeXml(message)}</Message>`];
  if (details.key !== undefined) parts.push(`<Key>${escapeXml(details.key)}</Key>`);
  parts.push(`<RequestId>${escapeXml(details.requestId)}</RequestId>`);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${parts.join('')}</Error>`;
  writeHeaders(res, status, {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Answers a conditional GET (If-None-Match) whose copy is still current with 304 and true; false when
 * the full response must be sent, with `etag` on it.
 */
export function answeredNotModified(req: IncomingMessage, res: ServerResponse, etag: string): boolean {
  if (!fresh(req.headers, { etag })) return false;
  writeHeaders(res, 304, { etag });
  res.end();
  return true;
}

/** setHeader rather than writeHead's object, so the request log can still read them afterwards. */
export function writeHeaders(res: ServerResponse, status: number, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(status);
}
