import { createHash } from 'node:crypto';
import {
  MAX_REMOTE_FILENAME_BYTES,
  sanitizeRemoteFilename,
  truncateToUtf8Bytes,
  utf8ByteLength,
} from '../../../shared/remote-filename.js';

/**
 * Names on the remote. Alloy and Composio take a bare filename, so a folder tree is encoded into one:
 *
 *   docs/2024/report.pdf  ->  docs∕2024∕report.pdf
 *
 * - Folders are joined with U+2215 DIVISION SLASH, which reads as a slash to people and AI tools but
 *   is not a path separator to any remote.
 * - Each segment is NFC-normalized (the remotes normalize anyway), then `%`, U+2215, control
 *   characters and the characters the remotes replace (\ : * ? " < > |) are percent-encoded as
 *   UTF-8, so two different paths never get the same name by escaping alone.
 * - A name longer than 255 UTF-8 bytes keeps its extension and as much of its start as fits before
 *   `~` and 8 hex digits of the SHA-256 of the full name, so long paths stay distinct.
 *
 * What can still collide: paths equal after NFC (a composed and a decomposed "é" side by side), and
 * long names whose hashes collide. Those are conflicts for the engine to report, never overwrites.
 */
export const FOLDER_SEPARATOR = '\u2215';
const ESCAPED_CHARACTERS = new Set(['%', FOLDER_SEPARATOR, '\\', ':', '*', '?', '"', '<', '>', '|']);
const HASH_SUFFIX_LENGTH = 9; // "~" + 8 hex digits

export function encodeRemoteName(relativePath: string): string {
  const encoded = relativePath.split('/').map(encodeSegment).join(FOLDER_SEPARATOR);
  if (utf8ByteLength(encoded) <= MAX_REMOTE_FILENAME_BYTES) return encoded;
  return shortenWithHash(encoded);
}

/** The path a remote name stands for, for display; names we did not encode come back unchanged. */
export function decodeRemoteName(name: string): string {
  // Without a `%` no segment has an escape to decode (most names): only the separators change.
  if (!name.includes('%')) return name.replaceAll(FOLDER_SEPARATOR, '/');
  return name
    .split(FOLDER_SEPARATOR)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

/**
 * The name the remote will actually store: our encoding, then the remote's sanitizer. Two local
 * paths with the same effective name would overwrite each other: that is the conflict check.
 */
export function effectiveRemoteName(relativePath: string): string {
  return sanitizeRemoteFilename(encodeRemoteName(relativePath));
}

/**
 * The effective-name function of a pair: with a remote folder ("Documents"), every path is stored
 * under it (`Documents∕notes∕a.md`), encoded exactly like a folder of the local tree.
 */
export function remoteNamer(remoteFolder: string): (relativePath: string) => string {
  if (remoteFolder === '') return effectiveRemoteName;
  return (relativePath) => effectiveRemoteName(`${remoteFolder}/${relativePath}`);
}

/**
 * Printable ASCII without a character `needsEscape` takes: such a segment is its own encoding (ASCII is
 * unchanged by NFC). Most names are this, and the general path costs ~10 µs a file (a sync of small
 * files names each one). The escaped ASCII characters are ESCAPED_CHARACTERS' own, as \xNN.
 */
const PLAIN_SEGMENT = /^[\x20-\x7e]*$/;
const ESCAPED_ASCII = new RegExp(
  `[${[...ESCAPED_CHARACTERS]
    .map((character) => character.charCodeAt(0))
    .filter((code) => code < 0x80)
    .map((code) => `\\x${code.toString(16).padStart(2, '0')}`)
    .join('')}]`,
);

function encodeSegment(segment: string): string {
  if (PLAIN_SEGMENT.test(segment) && !ESCAPED_ASCII.test(segment)) return segment;
  return Array.from(segment.normalize('NFC'), (character) =>
    needsEscape(character) ? percentEncode(character) : character,
  ).join('');
}

function needsEscape(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return ESCAPED_CHARACTERS.has(character) || code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function percentEncode(character: string): string {
  return Array.from(
    new TextEncoder().encode(character),
    (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}

function shortenWithHash(encoded: string): string {
  const hash = createHash('sha256').update(encoded).digest('hex').slice(0, 8);
  const dot = encoded.lastIndexOf('.');
  const separator = encoded.lastIndexOf(FOLDER_SEPARATOR);
  const extension = dot > separator + 1 && encoded.length - dot <= 16 ? encoded.slice(dot) : '';
  const stem = extension === '' ? encoded : encoded.slice(0, dot);
  const budget = MAX_REMOTE_FILENAME_BYTES - utf8ByteLength(extension) - HASH_SUFFIX_LENGTH;
  // Never leave half a percent escape at the cut: the name would no longer decode.
  const kept = truncateToUtf8Bytes(stem, budget).replace(/%[0-9A-F]?$/, '');
  return `${kept}~${hash}${extension}`;
}
