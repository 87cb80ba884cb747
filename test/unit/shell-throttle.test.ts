import { describe, expect, it } from 'vitest';
import { LatestValueThrottle, type Timers } from '../../electron/main/updates/latest-value-throttle.js';
import { trayMenuTemplate } from '../../electron/main/tray/tray-menu-template.js';
import { trayModel } from '../../electron/main/tray/tray-model.js';

/** Timers run by hand, so the test says exactly what happens at each interval without waiting. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (callback) => {
      callbacks.set(next, callback);
      return next++;
    },
    clearTimeout: (handle) => callbacks.delete(handle as number),
    fire: () => {
      const [id, callback] = [...callbacks.entries()][0]!;
      callbacks.delete(id);
      callback();
    },
    pending: () => callbacks.size,
  };
}

describe('latest-value throttle (tray rebuilds)', () => {
  it('delivers the first value at once, then only the newest once per interval', () => {
    const timers = manualTimers();
    const delivered: number[] = [];
    const throttle = new LatestValueThrottle(250, (value: number) => delivered.push(value), timers);
    throttle.push(1);
    throttle.push(2);
    throttle.push(3);
    expect(delivered).toEqual([1]);
    timers.fire();
    expect(delivered).toEqual([1, 3]);
    timers.fire();
    expect(timers.pending()).toBe(0);
    throttle.push(4);
    expect(delivered).toEqual([1, 3, 4]);
    throttle.push(5);
    throttle.dispose();
    expect(timers.pending()).toBe(0);
    expect(delivered).toEqual([1, 3, 4]);
  });
});

describe('tray menu template', () => {
  it('maps labels, separators, actions and the pause submenu to Electron menu options', () => {
    const ran: string[] = [];
    const model = trayModel({
      status: null,
      pausedUntil: null,
      core: 'starting',
      now: 0,
      formatTime: String,
    });
    const template = trayMenuTemplate(model.items, (action) => ran.push(action));
    expect(template[0]).toEqual({ label: 'Starting…', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
    const pause = template[3]!;
    expect(pause.label).toBe('Pause');
    const submenu = pause.submenu as Array<{ label: string; click: () => void }>;
    submenu[1]!.click();
    const open = template.find((item) => item.label === 'Open Hoist') as { click: () => void };
    open.click();
    expect(ran).toEqual(['pause:until-tomorrow', 'open-hoist']);
  });
});
