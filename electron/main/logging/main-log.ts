import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Past this size the log starts over (the previous one is kept as main.log.1): enough for weeks. */
const MAX_BYTES = 1024 * 1024;

/**
 * Main's log: one line per event (a core crash and its restart, blocked navigations, dropped bridge
 * messages), to a file in the app's data folder and to stdout. A packaged app has no terminal, and "it
 * stopped syncing yesterday" needs somewhere to look. Lines never contain tokens or message contents;
 * the callers see to that. Synchronous appends: a few lines a minute, and nothing is lost on a crash.
 */
export function createMainLog(
  file: string,
  options: { maxBytes?: number; echo?: (line: string) => void; now?: () => Date } = {},
): (line: string) => void {
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  const echo = options.echo ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  let ready = false;
  return (line) => {
    const stamped = `${now().toISOString()} ${line}`;
    echo(stamped);
    try {
      if (!ready) {
        mkdirSync(dirname(file), { recursive: true });
        ready = true;
      }
      if (sizeOf(file) > maxBytes) renameSync(file, `${file}.1`);
      appendFileSync(file, `${stamped}\n`);
    } catch {
      // A log that cannot be written (disk full, folder gone) must not take main down with it.
    }
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
