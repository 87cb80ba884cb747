/**
 * File names that are not valid UTF-8 (possible on Linux, where a name is any bytes): Node's
 * string APIs decode them lossily (U+FFFD), which loses which file it was. Hoist keeps each byte
 * that is not part of valid UTF-8 as a lone surrogate U+DC80–U+DCFF, as Python's `surrogateescape`
 * does: valid UTF-8 never decodes to a surrogate, so the mapping is exact and reversible, and the
 * string survives JSON and the bridge. People see such a byte as `\xNN` (escapeFileName).
 */

const ESCAPE_BASE = 0xdc00;

/** Decodes a name's bytes: valid UTF-8 as itself, every other byte as U+DC80–U+DCFF. */
export function decodeFileName(bytes: Uint8Array): string {
  let out = '';
  let index = 0;
  while (index < bytes.length) {
    const length = validSequenceLength(bytes, index);
    if (length === 0) {
      out += String.fromCharCode(ESCAPE_BASE + (bytes[index] ?? 0));
      index++;
    } else {
      out += new TextDecoder().decode(bytes.subarray(index, index + length));
      index += length;
    }
  }
  return out;
}

/** Whether a name holds bytes that are not UTF-8 (kept by decodeFileName as lone surrogates). */
export function hasUndecodableBytes(name: string): boolean {
  return [...name].some(isEscapedByte);
}

/**
 * A name as people read it: each byte that is not UTF-8 as `\xNN` ("caf\xe9.txt"), the rest as is.
 * The README promises this for names Hoist prints.
 */
export function escapeFileName(name: string): string {
  let out = '';
  for (const character of name) {
    out += isEscapedByte(character)
      ? `\\x${((character.codePointAt(0) ?? 0) - ESCAPE_BASE).toString(16).padStart(2, '0')}`
      : character;
  }
  return out;
}

/** The name's bytes again, for the file system (the inverse of decodeFileName). */
export function encodeFileName(name: string): Uint8Array {
  const parts: number[] = [];
  const encoder = new TextEncoder();
  for (const character of name) {
    if (isEscapedByte(character)) parts.push((character.codePointAt(0) ?? 0) - ESCAPE_BASE);
    else parts.push(...encoder.encode(character));
  }
  return Uint8Array.from(parts);
}

/** A lone low surrogate in U+DC80–U+DCFF: iterating a string by code points leaves those alone. */
function isEscapedByte(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return character.length === 1 && code >= 0xdc80 && code <= 0xdcff;
}

/** The length of the valid UTF-8 sequence starting at `index` (1–4), or 0 when there is none. */
function validSequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index] ?? 0;
  if (first < 0x80) return 1;
  let length: number;
  let min: number;
  if (first >= 0xc2 && first <= 0xdf) [length, min] = [2, 0x80];
  else if (first >= 0xe0 && first <= 0xef) [length, min] = [3, 0x800];
  else if (first >= 0xf0 && first <= 0xf4) [length, min] = [4, 0x10000];
  else return 0;
  let code = first & (0xff >> (length + 1));
  for (let offset = 1; offset < length; offset++) {
    const next = bytes[index + offset];
    if (next === undefined || (next & 0xc0) !== 0x80) return 0;
    code = (code << 6) | (next & 0x3f);
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid UTF-8.
  if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return 0;
  return length;
}
