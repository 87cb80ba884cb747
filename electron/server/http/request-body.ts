import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest } from './http-error.js';

// Upload requests and other JSON bodies are a few hundred bytes; anything near this is abuse.
const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Reads and parses a JSON request body, answering 400 for bodies that are not a JSON object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_JSON_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', 'Request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', 'Request body is too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('INVALID_JSON', 'Request body is empty; send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'Request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('INVALID_JSON', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Drains what is left of a request body so the connection can be reused after an early answer. */
export function discardBody(req: IncomingMessage): void {
  req.resume();
}
