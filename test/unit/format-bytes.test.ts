import { describe, expect, it } from 'vitest';
import { parseRate } from '../../electron/cli/format.js';
import { formatByteRate, formatBytes } from '../../shared/format-bytes.js';

// People get their own language's numbers (Intl); the test fixes one so it does not depend on the machine.
const en = (bytes: number): string => formatBytes(bytes, 'en-US');
describe('one unit for sizes everywhere (decimal, as file managers show them)', () => {
  it('counts bytes in thousands, never mixing in KiB or MiB', () => {
    expect(en(0)).toBe('0 bytes');
    expect(en(1)).toBe('1 byte');
    expect(en(999)).toBe('999 bytes');
    expect(en(1500)).toBe('1.5 kB');
    expect(en(41_300_000)).toBe('41.3 MB');
    expect(en(412_000_000)).toBe('412 MB');
    expect(en(2_300_000_000)).toBe('2.3 GB');
    expect(en(5 * 1024 * 1024)).toBe('5.2 MB');
  });

  it('in the reader’s language', () => {
    expect(formatBytes(1_500_000, 'de-DE')).toBe('1,5 MB');
  });

  it('writes a rate with the same unit', () => {
    expect(formatByteRate(8_100_000, 'en-US')).toBe('8.1 MB/s');
  });

  it('reads a --bandwidth rate in the same unit it is shown in', () => {
    expect(parseRate('2M')).toBe(2_000_000);
    expect(formatByteRate(parseRate('2M') ?? 0, 'en-US')).toBe('2 MB/s');
    expect(parseRate('500K')).toBe(500_000);
    expect(parseRate('1.5MB/s')).toBe(1_500_000);
    expect(parseRate('512KiB')).toBe(512 * 1024);
    expect(parseRate('1048576')).toBe(1_048_576);
    expect(parseRate('fast')).toBeNull();
  });
});
