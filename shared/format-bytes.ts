/**
 * Sizes for people, in one unit system everywhere (the window, the tray, the CLI, the engine's
 * messages): decimal, as the file managers of macOS, GNOME and KDE show them (1 kB = 1,000 bytes),
 * "512 bytes", "1.5 kB", "41 MB", "2.3 GB", in the user's language through Intl.
 */
const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

export function formatBytes(bytes: number, locale?: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Three significant figures at most: "1.5 MB", "41.3 MB", "412 MB".
  return sizeFormat(unit, unit === 0 || value >= 100 ? 0 : 1, locale).format(value);
}

/** A transfer rate: "8.1 MB/s". */
export function formatByteRate(bytesPerSecond: number, locale?: string): string {
  return `${formatBytes(bytesPerSecond, locale)}/s`;
}

// Building an Intl formatter costs far more than using one: a scrolling grid formats ~50 sizes a frame.
const sizeFormats = new Map<string, Intl.NumberFormat>();
function sizeFormat(unit: number, digits: number, locale: string | undefined): Intl.NumberFormat {
  const key = `${unit}:${digits}:${locale ?? ''}`;
  let format = sizeFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: UNITS[unit],
      unitDisplay: unit === 0 ? 'long' : 'short',
      maximumFractionDigits: digits,
    });
    sizeFormats.set(key, format);
  }
  return format;
}
