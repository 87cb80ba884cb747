import { describe, expect, it } from 'vitest';
import {
  FOLDER_SEPARATOR,
  decodeRemoteName,
  effectiveRemoteName,
  encodeRemoteName,
} from '../../electron/engine/remote/remote-names.js';
import { sanitizeRemoteFilename, utf8ByteLength } from '../../shared/remote-filename.js';

describe('encodeRemoteName / decodeRemoteName', () => {
  it('joins folders with the division slash and decodes back to the path', () => {
    expect(FOLDER_SEPARATOR).toBe('\u2215');
    expect(encodeRemoteName('docs/2024/report.pdf')).toBe('docs∕2024∕report.pdf');
    expect(encodeRemoteName('report.pdf')).toBe('report.pdf');
    expect(decodeRemoteName('docs∕2024∕report.pdf')).toBe('docs/2024/report.pdf');
  });

  it.each([
    'a/b/c/d/e/f/g.txt',
    'with spaces/and.dots/file.tar.gz',
    '100%/50% off.txt',
    'already∕has∕division slashes/x.txt',
    'win\\style/back\\slash.txt',
    'colons: yes/stars*/questions?/"quotes"/<angles>/pipes|.txt',
    'emoji 😀/日本語/ü.md',
    'tab\there/new\nline/bell\u0007/del\u007f/c1\u0085.txt',
    '%25 literal/%E2%88%95.txt',
    '.hidden/..dots../trailing.',
  ])('round-trips %j', (path) => {
    const encoded = encodeRemoteName(path);
    expect(decodeRemoteName(encoded)).toBe(path.normalize('NFC'));
    // What the remote does to it changes nothing: no reserved or control characters are left.
    expect(sanitizeRemoteFilename(encoded)).toBe(encoded);
  });

  it('leaves every printable ASCII character but % \\ : * ? " < > | as it is, alone or among others', () => {
    for (let code = 0; code < 0x80; code += 1) {
      const character = String.fromCharCode(code);
      if (character === '/') continue;
      const escaped = code <= 0x1f || code === 0x7f || '%\\:*?"<>|'.includes(character);
      const encoded = escaped ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : character;
      expect(encodeRemoteName(`a${character}b`)).toBe(`a${encoded}b`);
      expect(encodeRemoteName(`dir/x${character}/é${character}`)).toBe(`dir∕x${encoded}∕é${encoded}`);
      expect(decodeRemoteName(`dir∕x${encoded}∕é${encoded}`)).toBe(`dir/x${character}/é${character}`);
    }
  });

  it('percent-encodes % ∕ \\ : * ? " < > | and control characters as UTF-8', () => {
    expect(encodeRemoteName('%')).toBe('%25');
    expect(encodeRemoteName('a∕b')).toBe('a%E2%88%95b');
    expect(encodeRemoteName('\\:*?"<>|')).toBe('%5C%3A%2A%3F%22%3C%3E%7C');
    expect(encodeRemoteName('a\u0000b\u001fc\u007fd\u009fe')).toBe('a%00b%1Fc%7Fd%C2%9Fe');
    // Everything else passes as is, including non-ASCII.
    expect(encodeRemoteName("Grüße (1) [draft] #2 & co'.txt")).toBe("Grüße (1) [draft] #2 & co'.txt");
  });

  it('never makes two different paths the same name by escaping', () => {
    const paths = ['a/b', 'a∕b', 'a%E2%88%95b', 'a:b', 'a_b', 'a%3Ab', 'a\\b'];
    const names = paths.map(encodeRemoteName);
    expect(new Set(names).size).toBe(paths.length);
    expect(new Set(paths.map(effectiveRemoteName)).size).toBe(paths.length);
  });

  it('normalizes to NFC', () => {
    const decomposed = 'Cafe\u0301/Re\u0301sume\u0301.txt';
    const composed = 'Caf\u00e9/R\u00e9sum\u00e9.txt';
    expect(encodeRemoteName(decomposed)).toBe(encodeRemoteName(composed));
    expect(encodeRemoteName(decomposed)).toBe('Caf\u00e9∕R\u00e9sum\u00e9.txt');
    expect(decodeRemoteName(encodeRemoteName(decomposed))).toBe(composed);
  });

  it('leaves names it did not encode alone when decoding', () => {
    expect(decodeRemoteName('plain name.txt')).toBe('plain name.txt');
    expect(decodeRemoteName('100% sure.txt')).toBe('100% sure.txt');
    expect(decodeRemoteName('651eb6e11d156e0d7a42c59d_document.pdf')).toBe(
      '651eb6e11d156e0d7a42c59d_document.pdf',
    );
  });
});

describe('long names', () => {
  const longFolder = 'a-very-long-folder-name-'.repeat(8);

  it('stay within 255 UTF-8 bytes, keep the extension and end with a hash suffix', () => {
    const path = `${longFolder}/${longFolder}/report.pdf`;
    const encoded = encodeRemoteName(path);
    expect(utf8ByteLength(encoded)).toBeLessThanOrEqual(255);
    expect(encoded).toMatch(/~[0-9a-f]{8}\.pdf$/);
    expect(encoded.startsWith('a-very-long-folder-name-')).toBe(true);
    // The remote keeps it as is: it is already short enough and clean.
    expect(sanitizeRemoteFilename(encoded)).toBe(encoded);
  });

  it('stay distinct when they differ only past the cut', () => {
    const names = Array.from({ length: 50 }, (_, index) =>
      encodeRemoteName(`${longFolder}/${longFolder}/file-${index}.txt`),
    );
    expect(new Set(names).size).toBe(50);
    for (const name of names) expect(utf8ByteLength(name)).toBeLessThanOrEqual(255);
  });

  it('count bytes, not characters, and never split a character', () => {
    const emoji = '😀'.repeat(100); // 400 bytes
    const encoded = encodeRemoteName(`${emoji}/${emoji}.txt`);
    expect(utf8ByteLength(encoded)).toBeLessThanOrEqual(255);
    expect(encoded).not.toContain('\uFFFD');
    expect(encoded).toMatch(/^(😀)+~[0-9a-f]{8}\.txt$/u);
    const escaped = encodeRemoteName(`${'?'.repeat(100)}.txt`); // 300 bytes once escaped
    expect(utf8ByteLength(escaped)).toBeLessThanOrEqual(255);
    expect(escaped).toMatch(/^(%3F)+~[0-9a-f]{8}\.txt$/);
  });

  // The cut could fall inside a percent escape ("…%3F%3~hash.txt"); such a name would not decode.
  it('never cut a percent escape in two, so shortened names still decode', () => {
    const escaped = encodeRemoteName(`${'?'.repeat(100)}.txt`);
    expect(decodeRemoteName(escaped)).toMatch(/^\?+~[0-9a-f]{8}\.txt$/);
  });

  it('drop an extension too long to be one', () => {
    const encoded = encodeRemoteName(`x.${'y'.repeat(300)}`);
    expect(utf8ByteLength(encoded)).toBeLessThanOrEqual(255);
    expect(encoded).toMatch(/~[0-9a-f]{8}$/);
  });

  it('leave names of exactly 255 bytes alone', () => {
    const exact = `${'n'.repeat(251)}.txt`;
    expect(encodeRemoteName(exact)).toBe(exact);
    expect(encodeRemoteName(`${'n'.repeat(252)}.txt`)).toMatch(/~[0-9a-f]{8}\.txt$/);
  });
});

describe('effectiveRemoteName', () => {
  it('is equal for NFC and NFD twins: those two local paths are a conflict', () => {
    const nfd = 'Fotos/Mu\u0308nchen.jpg';
    const nfc = 'Fotos/M\u00fcnchen.jpg';
    expect(nfd).not.toBe(nfc);
    expect(effectiveRemoteName(nfd)).toBe(effectiveRemoteName(nfc));
  });

  it('is what the remote stores for an encoded name', () => {
    for (const path of ['plain.txt', 'a/b/c.txt', 'odd:chars?.txt', `${'long-'.repeat(80)}.txt`]) {
      expect(effectiveRemoteName(path)).toBe(sanitizeRemoteFilename(encodeRemoteName(path)));
    }
  });

  it('differs for paths that differ in more than normalization', () => {
    expect(effectiveRemoteName('a/b.txt')).not.toBe(effectiveRemoteName('a_b.txt'));
    expect(effectiveRemoteName('A.txt')).not.toBe(effectiveRemoteName('a.txt'));
  });
});
