import { describe, expect, it } from 'vitest';
import { HintBursts } from '../../electron/engine/scan/hint-bursts.js';
import { FakeClock } from '../support/fake-clock.js';

describe('HintBursts on a clock', () => {
  it('hints at the start of a burst, every max gap while it lasts, and once after it goes quiet', async () => {
    const clock = new FakeClock();
    const hints: Array<[string, number]> = [];
    const start = clock.now();
    const bursts = new HintBursts((path) => hints.push([path, clock.now() - start]), 100, 1000, clock);
    // An event every 50 ms for 1.2 s: never quiet for 100 ms.
    for (let at = 0; at <= 1200; at += 50) {
      bursts.hint('a.txt');
      await clock.advance(50);
    }
    expect(hints).toEqual([
      ['a.txt', 0],
      ['a.txt', 1000],
    ]);
    await clock.advance(99);
    expect(hints).toHaveLength(3); // 100 ms after the last event at 1200
    expect(hints[2]).toEqual(['a.txt', 1300]);
    expect(clock.pending()).toBe(0);
  });

  it('forgets pending bursts when cleared', async () => {
    const clock = new FakeClock();
    const hints: string[] = [];
    const bursts = new HintBursts((path) => hints.push(path), 100, 1000, clock);
    bursts.hint('a');
    bursts.hint('b');
    bursts.clear();
    await clock.advance(1000);
    expect(hints).toEqual(['a', 'b']);
    expect(clock.pending()).toBe(0);
  });
});
