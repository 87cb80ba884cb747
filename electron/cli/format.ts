export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const mm = String(minutes).padStart(hours > 0 ? 2 : 1, '0');
  const ss = String(rest).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Parses a rate like `500K`, `2M` or `1048576` (bytes per second). K, M and G are decimal, as every
 * size Hoist shows (shared/format-bytes.ts), so `--bandwidth 2M` reads back as "2 MB/s"; `Ki`, `Mi`
 * and `Gi` are there for whoever means powers of 1,024.
 */
export function parseRate(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([KMG])(i?))?B?(?:\/s)?$/i.exec(text.trim());
  if (!match) return null;
  const power = { '': 0, K: 1, M: 2, G: 3 }[(match[2] ?? '').toUpperCase()] ?? 0;
  const factor = (match[3] === '' || match[3] === undefined ? 1000 : 1024) ** power;
  return Math.round(Number(match[1]) * factor);
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration like `90s`, `10m`, `1h30m`, `500ms` or `45` (seconds) into milliseconds; null
 * when it is not one.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) return null;
  return Math.round(
    parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? NaN), 0),
  );
}

/** A duration for people: "45 s", "10 min", "1 h 30 min". */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ''}`;
}
