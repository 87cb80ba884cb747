import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from '../../electron/base/sleep.js';
import { DEFAULT_RETRY, isRetryable, withRetry } from '../../electron/engine/remote/retry.js';
import { SyncError } from '../../electron/engine/sync-error.js';
import { FakeClock } from '../support/fake-clock.js';

const transient = (retryAfterMs?: number): SyncError =>
  new SyncError('network', 'connection reset', {
    retryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
const permanent = (): SyncError => new SyncError('remote-rejected', 'bad request', { status: 400 });

/** An operation that fails with the given errors in turn, then returns 'done'; records when it ran. */
function scripted(failures: unknown[]): {
  run: (attempt: number) => Promise<string>;
  attempts: number[];
  times: number[];
} {
  const attempts: number[] = [];
  const times: number[] = [];
  return {
    attempts,
    times,
    run: async (attempt) => {
      attempts.push(attempt);
      times.push(performance.now());
      const failure = failures[attempts.length - 1];
      if (failure !== undefined) throw failure;
      return 'done';
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withRetry', () => {
  it('has defaults fit for a sync client', () => {
    expect(DEFAULT_RETRY).toMatchObject({ attempts: 6, startingDelayMs: 500, maxDelayMs: 30_000 });
  });

  it('returns the first success without waiting', async () => {
    const operation = scripted([]);
    expect(await withRetry(operation.run)).toBe('done');
    expect(operation.attempts).toEqual([1]);
  });

  it('retries retryable SyncErrors, numbering the attempts and reporting each retry', async () => {
    const first = transient();
    const second = transient();
    const operation = scripted([first, second]);
    const retries: Array<[SyncError, number, number]> = [];
    const result = await withRetry(operation.run, {
      startingDelayMs: 1,
      maxDelayMs: 4,
      onRetry: (error, attempt, delayMs) => retries.push([error, attempt, delayMs]),
    });
    expect(result).toBe('done');
    expect(operation.attempts).toEqual([1, 2, 3]);
    expect(retries).toEqual([
      [first, 2, 1],
      [second, 3, 2],
    ]);
  });

  it.each([
    ['a permanent SyncError', permanent()],
    ['an auth error', new SyncError('auth', 'token rejected', { status: 401 })],
    ['a plain Error', new Error('bug')],
    ['a thrown string', 'oops'],
  ])('does not retry %s', async (_, failure) => {
    const operation = scripted([failure]);
    const onRetry = vi.fn();
    await expect(withRetry(operation.run, { startingDelayMs: 1, onRetry })).rejects.toBe(failure);
    expect(operation.attempts).toEqual([1]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('gives up after the attempts run out, with the last error', async () => {
    const errors = [transient(), transient(), transient()];
    const operation = scripted(errors);
    const onRetry = vi.fn();
    await expect(withRetry(operation.run, { attempts: 3, startingDelayMs: 1, onRetry })).rejects.toBe(
      errors[2],
    );
    expect(operation.attempts).toEqual([1, 2, 3]);
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('backs off exponentially up to the ceiling, with full jitter', async () => {
    // Full jitter draws each wait uniformly below the ceiling: pin the draw near the top to see the ceilings.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const operation = scripted([transient(), transient(), transient()]);
    await withRetry(operation.run, { attempts: 4, startingDelayMs: 40, maxDelayMs: 100 });
    const gaps = operation.times.slice(1).map((time, index) => time - (operation.times[index] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeLessThan(160 + 100); // capped at maxDelay, not 160

    // ...and with the draw at the bottom the waits vanish: the delay really is random below the ceiling.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const quick = scripted([transient(), transient(), transient()]);
    const started = performance.now();
    await withRetry(quick.run, { attempts: 4, startingDelayMs: 40, maxDelayMs: 100 });
    expect(performance.now() - started).toBeLessThan(60);
  });

  it('waits at least as long as Retry-After asks, even when the backoff is shorter', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const operation = scripted([transient(150)]);
    const onRetry = vi.fn();
    await withRetry(operation.run, { startingDelayMs: 1, onRetry });
    const waited = (operation.times[1] ?? 0) - (operation.times[0] ?? 0);
    expect(waited).toBeGreaterThanOrEqual(145);
    expect(onRetry).toHaveBeenCalledWith(expect.any(SyncError), 2, 151);
  });

  it('hands back a Retry-After too long to wait out here', async () => {
    const tooLong = transient(10 * 60_000);
    const operation = scripted([tooLong]);
    await expect(withRetry(operation.run, { startingDelayMs: 1, maxRetryAfterMs: 60_000 })).rejects.toBe(
      tooLong,
    );
    expect(operation.attempts).toEqual([1]);
  });

  it('does not start when the signal is already aborted', async () => {
    const operation = scripted([]);
    const controller = new AbortController();
    controller.abort();
    await expect(withRetry(operation.run, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(operation.attempts).toEqual([]);
  });

  it('stops at once when aborted during a Retry-After wait', async () => {
    const operation = scripted([transient(5000)]);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    await expect(
      withRetry(operation.run, { startingDelayMs: 1, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(operation.attempts).toEqual([1]);
  });

  it('stops at once when aborted during the backoff, and never runs the operation again', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const operation = scripted([transient(), transient()]);
    const controller = new AbortController();
    const started = performance.now();
    const reason = new Error('user paused');
    setTimeout(() => controller.abort(reason), 20);
    await expect(withRetry(operation.run, { startingDelayMs: 200, signal: controller.signal })).rejects.toBe(
      reason,
    );
    expect(performance.now() - started).toBeLessThan(150);
    await sleep(250); // the backoff would have ended by now, and must not call the operation
    expect(operation.attempts).toEqual([1]);
  });

  it('stops at once when the operation fails because it was aborted', async () => {
    const controller = new AbortController();
    const operation = scripted([]);
    const run = async (attempt: number): Promise<string> => {
      controller.abort();
      await operation.run(attempt);
      throw transient();
    };
    await expect(withRetry(run, { startingDelayMs: 1, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(operation.attempts).toEqual([1]);
  });
});

describe('withRetry within a budget', () => {
  const stalled = (): SyncError =>
    new SyncError('network', 'stalled', { retryable: true, reason: 'UND_ERR_BODY_TIMEOUT' });

  it('tries a stalled request twice by default, since each try costs a whole time-out', async () => {
    const operation = scripted([stalled(), stalled(), stalled()]);
    await expect(withRetry(operation.run, { startingDelayMs: 1 })).rejects.toBeInstanceOf(SyncError);
    expect(operation.attempts).toEqual([1, 2]);
  });

  it('counts only stalls against stallAttempts: other failures keep their attempts', async () => {
    const operation = scripted([transient(), stalled(), transient()]);
    expect(await withRetry(operation.run, { startingDelayMs: 1, stallAttempts: 2 })).toBe('done');
    expect(operation.attempts).toEqual([1, 2, 3, 4]);
    const once = scripted([stalled()]);
    await expect(withRetry(once.run, { startingDelayMs: 1, stallAttempts: 1 })).rejects.toBeInstanceOf(
      SyncError,
    );
    expect(once.attempts).toEqual([1]);
  });

  it('starts no retry whose wait would end past the deadline, and reads the deadline each time', async () => {
    const clock = new FakeClock();
    const last = transient(1000);
    const fixed = scripted([transient(1000), last]);
    const deadline = clock.now() + 1500;
    const cut = withRetry(fixed.run, { clock, startingDelayMs: 0, deadline: () => deadline }).catch(
      (error: unknown) => error,
    );
    await clock.advance(1000); // the first wait ends 1000 ms in, inside the budget
    expect(await cut).toBe(last); // the second would end at 2000 ms, past it: the last error, at once
    expect(fixed.attempts).toEqual([1, 2]);
    expect(clock.pending()).toBe(0);

    // A deadline that moves with progress (an upload's bytes) lets the same retry go ahead.
    const moving = scripted([transient(1000), transient(1000)]);
    const goes = withRetry(moving.run, { clock, startingDelayMs: 0, deadline: () => clock.now() + 1500 });
    await clock.advance(2000);
    expect(await goes).toBe('done');
    expect(moving.attempts).toEqual([1, 2, 3]);
  });
});

describe('withRetry on a clock the test drives', () => {
  it('waits its jittered backoff on the clock it is given, and nothing more', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const clock = new FakeClock();
    const operation = scripted([transient(), transient()]);
    const result = withRetry(operation.run, { clock, startingDelayMs: 1000, maxDelayMs: 1500 });
    await clock.advance(998);
    expect(operation.attempts).toEqual([1]);
    await clock.advance(1); // round(0.999 × 1000)
    expect(operation.attempts).toEqual([1, 2]);
    await clock.advance(1498);
    expect(operation.attempts).toEqual([1, 2]);
    await clock.advance(1); // round(0.999 × 1500): the second ceiling is capped at maxDelayMs
    expect(await result).toBe('done');
    expect(operation.attempts).toEqual([1, 2, 3]);
    expect(clock.pending()).toBe(0);
  });

  it('waits out Retry-After on the clock before the backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const clock = new FakeClock();
    const operation = scripted([transient(5000)]);
    const result = withRetry(operation.run, { clock, startingDelayMs: 1000 });
    await clock.advance(4999);
    expect(operation.attempts).toEqual([1]);
    await clock.advance(1);
    expect(await result).toBe('done');
  });

  it('cancels its wait on abort: no timer is left behind', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const operation = scripted([transient(60_000)]);
    const result = withRetry(operation.run, { clock, signal: controller.signal });
    await clock.advance(10);
    expect(clock.pending()).toBe(1);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pending()).toBe(0);
    expect(operation.attempts).toEqual([1]);
  });
});

describe('isRetryable and sleep', () => {
  it('retries only SyncErrors marked retryable', () => {
    expect(isRetryable(transient())).toBe(true);
    expect(isRetryable(permanent())).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });

  it('sleeps, and an abort cuts the sleep short', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(sleep(5000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
