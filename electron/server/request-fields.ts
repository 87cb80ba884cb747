import { badRequest } from './http/http-error.js';

const HEX_MD5 = /^[0-9a-fA-F]{32}$/;
const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;
// type/subtype with optional parameters. Only tab and printable ASCII may follow the subtype (not `\s`, which
// matches CR/LF, nor any other control or non-ASCII character): the value is sent back as a header
// (Content-Type of the PUT and of downloads), so it must never split one or be refused by the HTTP stack.
const MIME_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:[ \t]*;[\t\x20-\x7e]{0,200})?$/;

/** A canonical base64 MD5 (24 characters that decode to 16 bytes and encode back the same). */
export function isBase64Md5(text: string): boolean {
  return BASE64_MD5.test(text) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** Hex or base64 MD5 → lowercase hex; null when it is neither. */
export function parseMd5(text: string, accept: 'hex' | 'hex-or-base64'): string | null {
  if (HEX_MD5.test(text)) return text.toLowerCase();
  if (accept === 'hex-or-base64' && isBase64Md5(text)) return Buffer.from(text, 'base64').toString('hex');
  return null;
}

export function isMimeType(text: string): boolean {
  return MIME_TYPE.test(text);
}

/** Requires each named field to be a non-empty string; one 400 names every missing or wrong field. */
export function requireStrings<const Names extends readonly string[]>(
  body: Record<string, unknown>,
  names: Names,
): { [K in Names[number]]: string } {
  const missing: string[] = [];
  const wrongType: string[] = [];
  const result: Record<string, string> = {};
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null || value === '') missing.push(name);
    else if (typeof value !== 'string') wrongType.push(name);
    else result[name] = value;
  }
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(`missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if (wrongType.length > 0) problems.push(`must be strings: ${wrongType.join(', ')}`);
  if (problems.length > 0) throw badRequest('MISSING_FIELDS', capitalize(problems.join('; ')));
  return result as { [K in Names[number]]: string };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The value of a bearer Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
