import { describe, expect, it } from 'vitest';
import { sanitizeRemoteFilename, utf8ByteLength } from '../../shared/remote-filename.js';

describe('sanitizeRemoteFilename', () => {
  it('keeps only the last path segment, whichever separator', () => {
    expect(sanitizeRemoteFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeRemoteFilename('C:\\Users\\ann\\report.pdf')).toBe('report.pdf');
    expect(sanitizeRemoteFilename('docs/')).toBe('');
  });

  it('replaces the reserved characters with underscores', () => {
    expect(sanitizeRemoteFilename('a:b*c?d"e<f>g|h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
  });

  it('drops C0, DEL and C1 control characters', () => {
    expect(sanitizeRemoteFilename('bad\u0000na\u0007me\u007f\u0085.txt')).toBe('badname.txt');
  });

  it('normalizes to NFC so decomposed and composed names get one key', () => {
    const decomposed = 'Cafe\u0301.txt';
    expect(sanitizeRemoteFilename(decomposed)).toBe('Caf\u00e9.txt');
  });

  it('replaces lone surrogates instead of producing invalid UTF-8', () => {
    expect(sanitizeRemoteFilename('x\uD800y.txt')).toBe('x\uFFFDy.txt');
  });

  it('caps at 255 UTF-8 bytes, keeps the extension and never splits a grapheme', () => {
    const long = `${'😀'.repeat(100)}.pdf`;
    const result = sanitizeRemoteFilename(long);
    expect(utf8ByteLength(result)).toBeLessThanOrEqual(255);
    expect(result.endsWith('.pdf')).toBe(true);
    expect(result.slice(0, -4)).toBe('😀'.repeat((255 - 4) >> 2));
    const family = '👩‍👩‍👧';
    const families = sanitizeRemoteFilename(`${family.repeat(20)}.txt`);
    expect(utf8ByteLength(families)).toBeLessThanOrEqual(255);
    expect(
      families
        .slice(0, -4)
        .split(family)
        .every((part) => part === ''),
    ).toBe(true);
  });

  it('treats a huge "extension" as part of the name', () => {
    const result = sanitizeRemoteFilename(`a.${'x'.repeat(300)}`);
    expect(utf8ByteLength(result)).toBe(255);
  });
});
