import { describe, expect, it } from 'vitest';
import { HashIndex } from '../../electron/engine/remote/openwebui-hash-index.js';

const A = 'a'.repeat(64);
const B = `${'0123456789abcdef'.repeat(4)}`;

describe('the Open WebUI hash index', () => {
  it('finds an id by its bytes’ SHA-256, in either case of hex', () => {
    const index = new HashIndex();
    index.remember('id-1', A.toUpperCase());
    expect(index.idOf(A)).toBe('id-1');
    expect(index.idOf(A.toUpperCase())).toBe('id-1');
    expect(index.idOf(B)).toBeUndefined();
    expect(index.idOf('not a hash')).toBeUndefined();
  });

  it('keeps every id of the same bytes, and forgets them one by one', () => {
    const index = new HashIndex();
    index.remember('id-1', A);
    index.remember('id-2', A);
    index.remember('id-3', A);
    index.forget('id-1');
    expect(index.idOf(A)).toBe('id-2');
    index.forget('id-2');
    expect(index.idOf(A)).toBe('id-3');
    index.forget('id-3');
    expect(index.idOf(A)).toBeUndefined();
    index.forget('never-known');
  });

  it('moves an id remembered again with other bytes, and ignores what is no SHA-256', () => {
    const index = new HashIndex();
    index.remember('id-1', A);
    index.remember('id-1', B);
    expect(index.idOf(A)).toBeUndefined();
    expect(index.idOf(B)).toBe('id-1');
    index.remember('id-2', 'abc');
    index.forget('id-2');
    expect(index.idOf(B)).toBe('id-1');
  });
});
