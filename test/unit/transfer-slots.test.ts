import { describe, expect, it } from 'vitest';
import { TransferSlots } from '../../electron/engine/upload/transfer-slots.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TransferSlots', () => {
  it('runs at most `size` at once, in arrival order, and passes each slot on', async () => {
    const slots = new TransferSlots(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const jobs = Array.from({ length: 5 }, (_, index) =>
      slots.run(async () => {
        started.push(index);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return index;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    releases.shift()?.();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (started.length < 5 || releases.length > 0) {
      releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot when the work fails', async () => {
    const slots = new TransferSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('an abort while waiting rejects that waiter only and never takes a slot', async () => {
    const slots = new TransferSlots(1);
    let release = (): void => undefined;
    const holder = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const aborted = slots.run(() => Promise.resolve('never'), controller.signal);
    const after = slots.run(() => Promise.resolve('after'));
    controller.abort(new Error('paused'));
    await expect(aborted).rejects.toThrow('paused');
    release();
    await holder;
    expect(await after).toBe('after');
    // Already aborted: refused at once.
    await expect(slots.run(() => Promise.resolve('x'), controller.signal)).rejects.toThrow('paused');
  });

  it('resizes while in use: a smaller size lets none start until under it, a larger one starts waiters', async () => {
    const slots = new TransferSlots(3);
    let running = 0;
    let peakAfterShrink = 0;
    let shrunk = false;
    const releases: Array<() => void> = [];
    const job = (): Promise<void> =>
      slots.run(async () => {
        running++;
        if (shrunk) peakAfterShrink = Math.max(peakAfterShrink, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      });
    const jobs = Array.from({ length: 8 }, job);
    await tick();
    expect(running).toBe(3);
    slots.resize(1);
    shrunk = true;
    // Two of the three finish: still one running, so none may start.
    releases.shift()?.();
    releases.shift()?.();
    await tick();
    expect(running).toBe(1);
    releases.shift()?.();
    await tick();
    expect(running).toBe(1);
    expect(peakAfterShrink).toBe(1);
    slots.resize(4);
    await tick();
    expect(running).toBe(4);
    while (releases.length > 0) {
      releases.shift()?.();
      await tick();
    }
    await Promise.all(jobs);
    expect(slots.size).toBe(4);
  });
});
