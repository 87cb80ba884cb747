export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const mm = String(minutes).padStart(hours > 0 ? 2 : 1, '0');
  const ss = String(rest).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Parses a rate like `500K`, `2M` or `1048576` (bytes per second). */
export function parseRate(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B?)?(?:\/s)?$/i.exec(text.trim());
  if (!match) return null;
  const factor = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}
