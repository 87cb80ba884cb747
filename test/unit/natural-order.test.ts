import { describe, expect, it } from 'vitest';
import { naturalSortKey } from '../../shared/natural-order.js';

// The key SQLite sorts the remote list by (an index on natural_key): plain text comparison of keys
// must give the order people expect, the one Intl.Collator's numeric option gives.

const byKey = (names: string[]): string[] =>
  [...names].sort((a, b) =>
    naturalSortKey(a) < naturalSortKey(b) ? -1 : naturalSortKey(a) > naturalSortKey(b) ? 1 : 0,
  );

describe('naturalSortKey', () => {
  it('orders numbers by value and ignores case, as Intl.Collator numeric does', () => {
    const names = [
      'clip-10.mp4',
      'Clip-9.mp4',
      'clip-2.mp4',
      'clip-100.mp4',
      'a.txt',
      'B.txt',
      'v1.2.10',
      'v1.2.9',
    ];
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    expect(byKey(names)).toEqual([...names].sort(collator.compare));
    expect(byKey(names).slice(0, 2)).toEqual(['a.txt', 'B.txt']);
  });

  it('reads leading zeros as the same number, and keeps a folder’s key a prefix of its files’', () => {
    expect(naturalSortKey('take-007')).toBe(naturalSortKey('take-7'));
    expect(naturalSortKey('0')).toBe('010');
    const folder = naturalSortKey('Season 12/');
    expect(naturalSortKey('Season 12/Episode 3.mkv').startsWith(folder)).toBe(true);
  });

  it('orders numbers longer than any counter without breaking', () => {
    const huge = '9'.repeat(120);
    expect(naturalSortKey(`x${huge}`)).toBe(`x${huge}`);
    expect(byKey(['n-99999999999999999999', 'n-100000000000000000000'])).toEqual([
      'n-99999999999999999999',
      'n-100000000000000000000',
    ]);
  });
});
