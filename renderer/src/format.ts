/** Numbers people read: sizes, counts, rates, dates, all through Intl in the browser's language. */
import { formatByteRate, formatBytes } from '../../shared/format-bytes.js';

export function formatSize(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '—' : formatBytes(bytes);
}

export function formatRate(bytesPerSecond: number): string {
  return formatByteRate(bytesPerSecond);
}

const countFormat = new Intl.NumberFormat();
export function formatCount(count: number): string {
  return countFormat.format(count);
}

export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "2 min ago", "yesterday", or the date for anything older than a week. */
export function formatWhen(at: number | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return '—';
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return exact.format(at);
}

export function formatExact(at: number | null | undefined): string {
  return at === null || at === undefined ? '' : exact.format(at);
}

/** Time left as a phrase that reads whole: "less than a minute left", "about 4 min left". */
export function formatTimeLeft(seconds: number): string {
  return seconds < 60 ? 'less than a minute left' : `about ${formatDuration(seconds)} left`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Shows the middle of a long path as an ellipsis, keeping the file name: `docs/…/report.pdf`. */
export function middleTruncate(path: string, max = 80): string {
  if (path.length <= max) return path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.length >= max - 6) return `…${name.slice(name.length - max + 1)}`;
  const head = path.slice(0, max - name.length - 2);
  return `${head}…/${name}`;
}
