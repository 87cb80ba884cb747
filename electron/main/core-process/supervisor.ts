import type { CoreState } from '../tray/tray-model.js';

/**
 * Keeps the app core's process running: starts it, restarts it with backoff when it dies, and stops it
 * cleanly on quit. Written against the least a child process offers (Electron's utilityProcess and
 * Node's forked ChildProcess both fit through a few lines of adapter), so it is tested with a plain
 * Node child standing in for the utility process.
 */

export interface SupervisedChild {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has gone, with its exit code (null when killed by a signal). */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface SupervisorOptions {
  spawn: () => SupervisedChild;
  /** Every message from the running core, except the supervisor's own (ready, stopped). */
  onMessage: (message: unknown) => void;
  /** The core's state for the tray; `detail` says what happened, for the log and a notification. */
  onState: (state: CoreState, detail: string | null) => void;
  /** Backoff after a crash: the first restart waits `firstRestartMs`, doubling to `maxRestartMs`. */
  firstRestartMs?: number;
  maxRestartMs?: number;
  /** A run this long without a crash resets the backoff: the next crash is a fresh incident. */
  stableAfterMs?: number;
  /** Crashes in a row before the tray says the core "keeps stopping" (restarts continue, at the cap). */
  failedAfterCrashes?: number;
  /** How long a stop may take (uploads abandoned, DB closed) before the process is killed. */
  stopTimeoutMs?: number;
  timers?: Timers;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export class CoreSupervisor {
  private child: SupervisedChild | null = null;
  private ready = false;
  private crashes = 0;
  private startedAt = 0;
  private restartTimer: unknown = null;
  private stopping: Promise<void> | null = null;
  private readonly timers: Timers;
  private readonly options: Required<Omit<SupervisorOptions, 'timers'>>;

  constructor(options: SupervisorOptions) {
    this.timers = options.timers ?? realTimers;
    this.options = {
      firstRestartMs: 1000,
      maxRestartMs: 60_000,
      stableAfterMs: 60_000,
      failedAfterCrashes: 5,
      stopTimeoutMs: 10_000,
      ...options,
    };
  }

  start(): void {
    if (this.child !== null || this.stopping !== null) return;
    this.launch();
  }

  /** Sends to the core if it is running and ready; before that, messages would be lost, so false. */
  send(message: unknown): boolean {
    if (this.child === null || !this.ready) return false;
    this.child.postMessage(message);
    return true;
  }

  /**
   * Asks the core to stop (it abandons uploads in flight, which the DB records only once done, and
   * closes the DB), waits for it to exit, and kills it if it has not within the timeout.
   */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    if (this.restartTimer !== null) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child === null) {
      this.stopping = Promise.resolve();
      return this.stopping;
    }
    this.stopping = new Promise<void>((resolve) => {
      const killTimer = this.timers.setTimeout(() => {
        this.options.onState('failed', 'the sync process did not stop in time and was ended');
        child.kill();
      }, this.options.stopTimeoutMs);
      child.onExit(() => {
        this.timers.clearTimeout(killTimer);
        resolve();
      });
      child.postMessage({ type: 'stop' });
    });
    return this.stopping;
  }

  private launch(): void {
    const child = this.options.spawn();
    this.child = child;
    this.ready = false;
    this.startedAt = this.timers.now();
    const failing = this.crashes >= this.options.failedAfterCrashes;
    this.options.onState(this.crashes === 0 ? 'starting' : failing ? 'failed' : 'restarting', null);
    child.onMessage((message) => {
      if (this.child !== child) return;
      if (isType(message, 'ready')) {
        this.ready = true;
        this.options.onState('running', null);
      } else if (!isType(message, 'stopped')) {
        this.options.onMessage(message);
      }
    });
    child.onExit((code) => {
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
      // An exit we asked for is not a crash: nothing to report, nothing to restart.
      if (this.stopping === null) this.crashed(code);
    });
  }

  private crashed(code: number | null): void {
    if (this.timers.now() - this.startedAt >= this.options.stableAfterMs) this.crashes = 0;
    this.crashes++;
    const delay = Math.min(this.options.maxRestartMs, this.options.firstRestartMs * 2 ** (this.crashes - 1));
    const how = code === null ? 'was killed' : `exited with code ${code}`;
    const detail = `the sync process ${how}; restarting in ${Math.round(delay / 1000)} s`;
    this.options.onState(this.crashes >= this.options.failedAfterCrashes ? 'failed' : 'restarting', detail);
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping === null) this.launch();
    }, delay);
  }
}

function isType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
