import type { ServerResponse } from 'node:http';

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

/** setHeader rather than writeHead's object, so the request log can still read them afterwards. */
export function writeHeaders(res: ServerResponse, status: number, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(status);
}
