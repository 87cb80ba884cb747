/**
 * The pause lengths the window, the tray and the window menu offer, and when each ends: one
 * definition, so "until tomorrow" is the same hour everywhere (README "Pause").
 */
export type PauseChoice = 'one-hour' | 'until-tomorrow' | 'until-resumed';

/** Morning, not midnight: "until tomorrow" chosen in the evening means "not tonight". */
export const TOMORROW_HOUR = 8;

/** When a pause chosen at `now` ends (ms since the epoch, local time), or null for "until resumed". */
export function pauseEndsAt(choice: PauseChoice, now: number): number | null {
  if (choice === 'until-resumed') return null;
  if (choice === 'one-hour') return now + 60 * 60 * 1000;
  const end = new Date(now);
  end.setDate(end.getDate() + 1);
  end.setHours(TOMORROW_HOUR, 0, 0, 0);
  return end.getTime();
}

/** "until 14:30", "until tomorrow 08:00", "until Tuesday 08:00", or "until resumed", in local time. */
export function describePauseEnd(until: number | null, now: number): string {
  if (until === null) return 'until resumed';
  const end = new Date(until);
  const time = `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
  const day = new Date(now);
  if (end.toDateString() === day.toDateString()) return `until ${time}`;
  day.setDate(day.getDate() + 1);
  if (end.toDateString() === day.toDateString()) return `until tomorrow ${time}`;
  return `until ${end.toLocaleDateString('en', { weekday: 'long' })} ${time}`;
}
