import { describe, expect, it } from 'vitest';
import { abortReason, sleep } from '../../electron/base/sleep.js';

describe('sleep', () => {
  it('rejects at once, with the reason given, when the signal has already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped');
    controller.abort(reason);
    await expect(sleep(60_000, controller.signal)).rejects.toBe(reason);
  });

  it('falls back to an AbortError for a signal without a reason', () => {
    const signal = { reason: undefined } as AbortSignal;
    expect(abortReason(signal)).toMatchObject({ name: 'AbortError' });
  });
});
