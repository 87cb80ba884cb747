/** The pause lengths the tray and the window menu offer. */
export type PauseChoice = 'one-hour' | 'until-tomorrow' | 'until-resumed';

/** Morning, not midnight: "until tomorrow" chosen in the evening means "not tonight". */
const TOMORROW_HOUR = 8;

/** When a pause chosen at `now` ends (ms since the epoch, local time), or null for "until resumed". */
export function pauseEndsAt(choice: PauseChoice, now: number): number | null {
  if (choice === 'until-resumed') return null;
  if (choice === 'one-hour') return now + 60 * 60 * 1000;
  const end = new Date(now);
  end.setDate(end.getDate() + 1);
  end.setHours(TOMORROW_HOUR, 0, 0, 0);
  return end.getTime();
}
