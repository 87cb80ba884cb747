import { describe, expect, it } from 'vitest';
import { largeFilesMbText, parseLargeFilesMb } from '../../renderer/src/large-files-size.js';

describe('the Large files field: megabytes typed, bytes stored', () => {
  it('takes whole and decimal megabytes (a comma too), from 1 MB to 5,000 MB', () => {
    expect(parseLargeFilesMb('50')).toEqual({ bytes: 50_000_000 });
    expect(parseLargeFilesMb(' 104.9 ')).toEqual({ bytes: 104_900_000 });
    expect(parseLargeFilesMb('2,5')).toEqual({ bytes: 2_500_000 });
    expect(parseLargeFilesMb('1')).toEqual({ bytes: 1_000_000 });
    expect(parseLargeFilesMb('5000')).toEqual({ bytes: 5_000_000_000 });
  });

  it('says what to type for anything else', () => {
    for (const text of ['', '  ', 'big', '1e', '50 MB', 'NaN', 'Infinity']) {
      expect(parseLargeFilesMb(text), text).toEqual({ error: 'Enter a size in megabytes, for example 100.' });
    }
    for (const text of ['0', '0.5', '-3', '5000.1', '9000']) {
      expect(parseLargeFilesMb(text), text).toEqual({
        error: 'Enter a size from 1 MB to 5,000 MB: one upload takes at most 5 GB.',
      });
    }
  });

  it('shows a stored threshold in megabytes with at most one decimal', () => {
    expect(largeFilesMbText(100 * 1024 * 1024)).toBe('104.9');
    expect(largeFilesMbText(50_000_000)).toBe('50');
    expect(largeFilesMbText(1_234_567)).toBe('1.2');
  });
});
