/**
 * The filename sanitizer of the Alloy dialect (API.md §1, "ours"): the reference server applies it to
 * every uploaded name, and the engine applies the same function to predict the key a local file will
 * get, so two local paths that would collide on the remote are caught before either is uploaded.
 *
 * Rule: take the last path segment, Unicode NFC, drop control characters, replace / \ : * ? " < > |
 * with "_", and cap the result at 255 UTF-8 bytes keeping the extension.
 */

export const MAX_REMOTE_FILENAME_BYTES = 255;

// Longer "extensions" are really part of the name; keeping them would leave no room for the stem.
const MAX_KEPT_EXTENSION_BYTES = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const RESERVED_CHARACTERS = /[/\\:*?"<>|]/g;

const encoder = new TextEncoder();

export function utf8ByteLength(text: string): number {
  return encoder.encode(text).length;
}

/** Returns the sanitized name; an empty string means nothing usable was left. */
export function sanitizeRemoteFilename(input: string): string {
  // Lone surrogates cannot be encoded as UTF-8; JSON lets them through, so make them visible instead.
  const wellFormed = input.replace(LONE_SURROGATE, '\uFFFD');
  const segments = wellFormed.split(/[/\\]/);
  const lastSegment = segments[segments.length - 1] ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    .split('')
    .filter((unit) => !isControlCharacter(unit.charCodeAt(0)))
    .join('')
    .replace(RESERVED_CHARACTERS, '_');
  return capUtf8Bytes(cleaned, MAX_REMOTE_FILENAME_BYTES);
}

/** C0 controls, DEL and C1 controls (all single UTF-16 units). */
export function isControlCharacter(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Truncates the stem (never mid-grapheme) so that stem + extension fit in `maxBytes`. */
export function capUtf8Bytes(name: string, maxBytes: number): string {
  if (utf8ByteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const keepExtension = extension !== '' && utf8ByteLength(extension) <= MAX_KEPT_EXTENSION_BYTES;
  const stem = keepExtension ? name.slice(0, dot) : name;
  const suffix = keepExtension ? extension : '';
  return truncateToUtf8Bytes(stem, maxBytes - utf8ByteLength(suffix)) + suffix;
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8 without splitting a grapheme. */
export function truncateToUtf8Bytes(text: string, maxBytes: number): string {
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes(text)) {
    const size = utf8ByteLength(segment);
    if (used + size > maxBytes) break;
    kept += segment;
    used += size;
  }
  return kept;
}

function graphemes(text: string): Iterable<{ segment: string }> {
  return new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text);
}
