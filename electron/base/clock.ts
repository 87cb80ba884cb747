import { sleep } from './sleep.js';

/** A scheduled callback that can be called off. */
export interface Timer {
  cancel(): void;
}

export interface TimerOptions {
  /** Does not keep the process alive on its own (Node's `unref`): periodic housekeeping. */
  background?: boolean;
}

/**
 * Time as the engine sees it: the current time, sleeping, and every timer. Hosts pass the system
 * clock; tests pass their own to drive backoff and scheduling without waiting.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `callback` once after `ms`. */
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): Timer;
  /** Calls `callback` every `ms` until cancelled. */
  setInterval(callback: () => void, ms: number, options?: TimerOptions): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
  setTimeout: (callback, ms, options) => {
    const timer = setTimeout(callback, ms);
    if (options?.background) timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval: (callback, ms, options) => {
    const timer = setInterval(callback, ms);
    if (options?.background) timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};
