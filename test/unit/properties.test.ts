import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isControlCharacter,
  MAX_REMOTE_FILENAME_BYTES,
  sanitizeRemoteFilename,
  utf8ByteLength,
} from '../../shared/remote-filename.js';
import {
  decodeRemoteName,
  effectiveRemoteName,
  encodeRemoteName,
} from '../../electron/engine/remote/remote-names.js';
import { hexToBase64 } from '../../electron/engine/remote/presigned-upload.js';
import { isBase64Md5, parseMd5 } from '../../electron/server/request-fields.js';

// Property tests (fast-check): the rules that decide names and digests, over inputs nobody would
// think to write by hand. Seeds are fixed so a failure repeats.

const RUNS = { numRuns: 500, seed: 20261203 };

/** One path segment: any Unicode but the separator, never empty, `.` or `..` (not files). */
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((text) => !text.includes('/') && text !== '.' && text !== '..');
const relativePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

describe('remote names', () => {
  it('round-trip: the remote name of a path decodes back to the path (NFC), unless shortened', () => {
    fc.assert(
      fc.property(relativePath, (path) => {
        const encoded = encodeRemoteName(path);
        if (utf8ByteLength(encoded) >= MAX_REMOTE_FILENAME_BYTES) return; // shortened with a hash
        expect(decodeRemoteName(encoded)).toBe(path.normalize('NFC'));
      }),
      RUNS,
    );
  });

  it('two paths share an effective remote name only if they are the same path after NFC', () => {
    fc.assert(
      fc.property(relativePath, relativePath, (a, b) => {
        if (a.normalize('NFC') === b.normalize('NFC')) {
          expect(effectiveRemoteName(a)).toBe(effectiveRemoteName(b));
          return;
        }
        const [nameA, nameB] = [effectiveRemoteName(a), effectiveRemoteName(b)];
        // Shortened names are told apart by their hash; a clash there is a reported conflict.
        if (nameA.length < 200 && nameB.length < 200) expect(nameA).not.toBe(nameB);
      }),
      RUNS,
    );
  });

  it('an effective name is what the remote stores unchanged: sanitizing it again changes nothing', () => {
    fc.assert(
      fc.property(relativePath, (path) => {
        const name = effectiveRemoteName(path);
        expect(sanitizeRemoteFilename(name)).toBe(name);
        expect(utf8ByteLength(name)).toBeLessThanOrEqual(MAX_REMOTE_FILENAME_BYTES);
      }),
      RUNS,
    );
  });
});

describe('the server’s filename sanitizer', () => {
  it('never leaves a separator, a control character or more than 255 bytes, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (input) => {
        const name = sanitizeRemoteFilename(input);
        expect(name).not.toMatch(/[/\\]/);
        expect([...name].some((character) => isControlCharacter(character.codePointAt(0) ?? 0))).toBe(false);
        expect(utf8ByteLength(name)).toBeLessThanOrEqual(MAX_REMOTE_FILENAME_BYTES);
        expect(sanitizeRemoteFilename(name)).toBe(name);
        // Used under a directory, it names something inside it (or the directory itself for "..").
        const resolved = posix.resolve('/data/alloy', `user_${name}`);
        expect(resolved.startsWith('/data/alloy/')).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('MD5 in hex and base64', () => {
  it('converts both ways for any 16 bytes, and nothing else passes as base64 MD5', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        const base64 = hexToBase64(hex);
        expect(isBase64Md5(base64)).toBe(true);
        expect(parseMd5(base64, 'hex-or-base64')).toBe(hex);
        expect(parseMd5(hex.toUpperCase(), 'hex')).toBe(hex);
        expect(parseMd5(base64, 'hex')).toBeNull();
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        if (bytes.length === 16) return;
        expect(isBase64Md5(Buffer.from(bytes).toString('base64'))).toBe(false);
      }),
      RUNS,
    );
  });
});
