/** A mistake in how the command was called; `hoist` prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** A `--once` run stopped at its `--time-limit`, as timeout(1) exits. */
export const EXIT_TIME_LIMIT = 124;
/** Stopped by a signal: the shell convention, 128 + the signal's number. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;
