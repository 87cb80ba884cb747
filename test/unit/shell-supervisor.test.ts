import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CoreSupervisor,
  type SupervisedChild,
  type SupervisorOptions,
  type Timers,
} from '../../electron/main/core-process/supervisor.js';
import type { CoreState } from '../../electron/main/tray/tray-model.js';
import { makeTempDir } from '../support/temp-dir.js';

// A plain Node child process stands in for Electron's utilityProcess (which needs the Electron binary):
// it speaks the same small protocol (ready, stop -> stopped + exit) over Node's IPC channel.
const FAKE_CORE = `
const mode = process.argv[2];
process.on('message', (message) => {
  if (message.type === 'stop') {
    if (mode === 'ignore-stop') return;
    process.send({ type: 'stopped' }, () => process.exit(0));
  } else if (message.type === 'crash') {
    process.exit(3);
  } else if (message.type === 'echo') {
    process.send({ type: 'echo', value: message.value, pid: process.pid });
  }
});
process.send({ type: 'ready' });
setInterval(() => {}, 60_000);
`;

let dir: { path: string; remove: () => Promise<void> };
let script: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await makeTempDir('hoist-supervisor-');
  script = join(dir.path, 'fake-core.cjs');
  await writeFile(script, FAKE_CORE);
});

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await dir.remove();
});

/** Forks the fake core and adapts it, as main adapts a utilityProcess. */
function spawnFake(mode = 'normal'): SupervisedChild & { process: ChildProcess } {
  const child = fork(script, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return {
    process: child,
    postMessage: (message) => child.send(message as object),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => child.kill('SIGKILL'),
  };
}

interface Recorder {
  states: Array<[CoreState, string | null]>;
  messages: unknown[];
  /** Resolves when the state has been reported `count` times in all. */
  reached(state: CoreState, count?: number): Promise<void>;
  nextMessage(): Promise<unknown>;
}

function recorder(): Recorder & Pick<SupervisorOptions, 'onMessage' | 'onState'> {
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const record: Recorder & Pick<SupervisorOptions, 'onMessage' | 'onState'> = {
    states: [],
    messages: [],
    onState: (state, detail) => {
      record.states.push([state, detail]);
      wake();
    },
    onMessage: (message) => {
      record.messages.push(message);
      wake();
    },
    reached: (state, count = 1) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (record.states.filter(([seen]) => seen === state).length >= count) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
    nextMessage: () => {
      const seen = record.messages.length;
      return new Promise((resolve) => {
        const check = (): void => {
          if (record.messages.length > seen) {
            waiters.delete(check);
            resolve(record.messages[seen]);
          }
        };
        waiters.add(check);
      });
    },
  };
  return record;
}

describe('core supervisor with a real child process', () => {
  it('starts the core, relays messages once it is ready, and stops it cleanly', async () => {
    const record = recorder();
    const spawned: Array<ReturnType<typeof spawnFake>> = [];
    const supervisor = new CoreSupervisor({
      ...record,
      spawn: () => spawned[spawned.push(spawnFake()) - 1]!,
    });
    expect(supervisor.send({ type: 'echo', value: 'too early' })).toBe(false);
    supervisor.start();
    await record.reached('running');
    const reply = record.nextMessage();
    expect(supervisor.send({ type: 'echo', value: 'hello' })).toBe(true);
    expect(await reply).toEqual({ type: 'echo', value: 'hello', pid: spawned[0]!.process.pid });
    await supervisor.stop();
    expect(spawned[0]!.process.exitCode).toBe(0);
    expect(record.states.map(([state]) => state)).toEqual(['starting', 'running']);
    expect(spawned).toHaveLength(1);
  });

  it('reports a crash and restarts the core, which then answers again', async () => {
    const record = recorder();
    const spawned: Array<ReturnType<typeof spawnFake>> = [];
    const supervisor = new CoreSupervisor({
      ...record,
      spawn: () => spawned[spawned.push(spawnFake()) - 1]!,
      firstRestartMs: 10,
    });
    supervisor.start();
    await record.reached('running');
    supervisor.send({ type: 'crash' });
    await record.reached('running', 2);
    expect(record.states).toEqual([
      ['starting', null],
      ['running', null],
      ['restarting', 'the sync process exited with code 3; restarting in 0 s'],
      ['restarting', null],
      ['running', null],
    ]);
    expect(spawned).toHaveLength(2);
    const reply = record.nextMessage();
    supervisor.send({ type: 'echo', value: 'again' });
    expect(await reply).toEqual({ type: 'echo', value: 'again', pid: spawned[1]!.process.pid });
    await supervisor.stop();
  });

  it('kills a core that does not stop within the timeout', async () => {
    const record = recorder();
    const fake = spawnFake('ignore-stop');
    const supervisor = new CoreSupervisor({ ...record, spawn: () => fake, stopTimeoutMs: 200 });
    supervisor.start();
    await record.reached('running');
    await supervisor.stop();
    expect(fake.process.signalCode).toBe('SIGKILL');
    expect(record.states.at(-1)).toEqual(['failed', 'the sync process did not stop in time and was ended']);
  });
});

/** Fake children and a manual clock for the backoff arithmetic, which real time would make slow. */
describe('core supervisor backoff', () => {
  function harness(options: Partial<SupervisorOptions> = {}) {
    let now = 0;
    const pending = new Map<number, { at: number; callback: () => void }>();
    let nextId = 1;
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        pending.set(nextId, { at: now + ms, callback });
        return nextId++;
      },
      clearTimeout: (handle) => pending.delete(handle as number),
      now: () => now,
    };
    const exits: Array<(code: number | null) => void> = [];
    const posted: unknown[] = [];
    const record = recorder();
    const supervisor = new CoreSupervisor({
      ...record,
      timers,
      spawn: () => {
        const listeners: Array<(code: number | null) => void> = [];
        exits.push((code) => listeners.forEach((listener) => listener(code)));
        return {
          postMessage: (message) => posted.push(message),
          onMessage: () => undefined,
          onExit: (listener) => listeners.push(listener),
          kill: () => undefined,
        };
      },
      ...options,
    });
    return {
      supervisor,
      record,
      posted,
      crash: (code: number | null = 1) => exits.at(-1)!(code),
      spawns: () => exits.length,
      /** Advances the clock to the next timer and runs it; returns how long that was. */
      runNextTimer: (): number => {
        const [id, timer] = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0]!;
        pending.delete(id);
        const waited = timer.at - now;
        now = timer.at;
        timer.callback();
        return waited;
      },
      advance: (ms: number) => {
        now += ms;
      },
      pendingTimers: () => pending.size,
    };
  }

  it('doubles the wait after each crash in a row up to the cap, and says "keeps stopping" after five', () => {
    const h = harness({ firstRestartMs: 1000, maxRestartMs: 8000 });
    h.supervisor.start();
    const waits: number[] = [];
    for (let crash = 0; crash < 6; crash++) {
      h.crash(crash === 5 ? null : 2);
      waits.push(h.runNextTimer());
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(h.spawns()).toBe(7);
    const crashStates = h.record.states.filter(([, detail]) => detail !== null);
    expect(crashStates.map(([state]) => state)).toEqual([
      'restarting',
      'restarting',
      'restarting',
      'restarting',
      'failed',
      'failed',
    ]);
    expect(crashStates.at(-1)![1]).toBe('the sync process was killed; restarting in 8 s');
  });

  it('a long healthy run resets the backoff', () => {
    const h = harness({ firstRestartMs: 1000, stableAfterMs: 60_000 });
    h.supervisor.start();
    h.crash();
    expect(h.runNextTimer()).toBe(1000);
    h.crash();
    expect(h.runNextTimer()).toBe(2000);
    h.advance(60_000);
    h.crash();
    expect(h.runNextTimer()).toBe(1000);
  });

  it('a stop during the wait cancels the restart', async () => {
    const h = harness();
    h.supervisor.start();
    h.crash();
    expect(h.pendingTimers()).toBe(1);
    await h.supervisor.stop();
    expect(h.pendingTimers()).toBe(0);
    expect(h.spawns()).toBe(1);
    h.supervisor.start();
    expect(h.spawns()).toBe(1);
  });

  it('a stop asks the core first and is not taken for a crash', async () => {
    const h = harness();
    h.supervisor.start();
    const stopped = h.supervisor.stop();
    expect(h.posted).toEqual([{ type: 'stop' }]);
    h.crash(0);
    await stopped;
    expect(h.pendingTimers()).toBe(0);
    expect(h.record.states).toEqual([['starting', null]]);
  });
});
