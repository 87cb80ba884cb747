import { describe, expect, it } from 'vitest';
import {
  decodeFileName,
  encodeFileName,
  escapeFileName,
  hasUndecodableBytes,
} from '../../shared/file-name-bytes.js';
import { printable } from '../../electron/cli/terminal-wording.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part)] : part)));

describe('names that are not UTF-8', () => {
  it('keeps each byte that is not UTF-8 as a lone surrogate, and valid UTF-8 as itself', () => {
    expect(decodeFileName(bytes('caf', [0xe9], '.txt'))).toBe('caf\uDCE9.txt');
    expect(decodeFileName(bytes('café 😀.txt'))).toBe('café 😀.txt');
    // A truncated sequence, an overlong "/", an encoded surrogate and a byte past U+10FFFF.
    expect(decodeFileName(bytes('a', [0xe2, 0x82], 'b'))).toBe('a\uDCE2\uDC82b');
    expect(decodeFileName(bytes([0xc0, 0xaf]))).toBe('\uDCC0\uDCAF');
    expect(decodeFileName(bytes([0xed, 0xa0, 0x80]))).toBe('\uDCED\uDCA0\uDC80');
    expect(decodeFileName(bytes([0xf5, 0x80, 0x80, 0x80]))).toBe('\uDCF5\uDC80\uDC80\uDC80');
  });

  it('gives the same bytes back, so the file can be found again', () => {
    for (const name of [
      bytes('caf', [0xe9], '.txt'),
      bytes([0xff, 0xfe], 'x'),
      bytes('日本', [0x80]),
      bytes('plain'),
    ]) {
      expect(encodeFileName(decodeFileName(name))).toEqual(name);
    }
  });

  it('tells them apart from real names, U+FFFD included', () => {
    expect(hasUndecodableBytes('caf\uDCE9.txt')).toBe(true);
    expect(hasUndecodableBytes('real-\uFFFD.txt')).toBe(false);
    expect(hasUndecodableBytes('😀')).toBe(false);
  });

  it('is shown \\xNN, in the window and (with control characters escaped too) in the terminal', () => {
    expect(escapeFileName('caf\uDCE9.txt')).toBe('caf\\xe9.txt');
    expect(escapeFileName('café.txt')).toBe('café.txt');
    expect(printable('dir/caf\uDCE9\n.txt')).toBe('dir/caf\\xe9\\n.txt');
    // A real backslash stays distinguishable from an escaped byte in the terminal.
    expect(printable('caf\\xe9.txt')).toBe('caf\\\\xe9.txt');
  });

  it('survives JSON, as the bridge and `hoist status --json` carry it', () => {
    const text = JSON.stringify({ path: 'caf\uDCE9.txt' });
    expect(text).toBe('{"path":"caf\\udce9.txt"}');
    expect((JSON.parse(text) as { path: string }).path).toBe('caf\uDCE9.txt');
  });
});
