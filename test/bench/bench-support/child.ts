import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onCleanup } from './cleanup.js';
import { MemorySampler, type MemorySummary } from './proc-stats.js';
import { nowMs } from './timing.js';

export interface OutputLine {
  /** nowMs() when the line arrived. */
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** nowMs() at exit. */
  at: number;
}

export interface SpawnOptions {
  /** Short name for messages. */
  label: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Sample the child's VmRSS/VmHWM/CPU every this many ms (off when undefined). */
  sampleMemoryMs?: number;
  /** Keep at most this many output lines (the newest); default 200,000. */
  maxLines?: number;
  /** Echo output lines to our stderr with this prefix (debugging). */
  echo?: boolean;
}

/**
 * A child process with timestamped output lines, optional memory sampling, and a cleanup that stops
 * it (SIGTERM, then SIGKILL) if the bench ends first. stdin is a pipe kept open: children that watch
 * it (the s3rver helper) exit when we die.
 */
export class Child {
  readonly process: ChildProcess;
  readonly startedAt: number;
  readonly lines: OutputLine[] = [];
  readonly exited: Promise<Exit>;
  readonly memory: MemorySampler | null;
  private exit: Exit | null = null;
  private readonly listeners = new Set<(line: OutputLine) => void>();
  private readonly unregister: () => void;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    private readonly options: SpawnOptions,
  ) {
    this.startedAt = nowMs();
    this.process = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.memory =
      options.sampleMemoryMs !== undefined && this.process.pid !== undefined
        ? new MemorySampler(this.process.pid, options.sampleMemoryMs)
        : null;
    const maxLines = options.maxLines ?? 200_000;
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.process[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (text) => {
        const line: OutputLine = { at: nowMs(), stream, text };
        this.lines.push(line);
        if (this.lines.length > maxLines) this.lines.splice(0, this.lines.length - maxLines);
        if (options.echo) process.stderr.write(`  [${options.label}] ${text}\n`);
        for (const listener of this.listeners) listener(line);
      });
    }
    this.process.stdin?.on('error', () => undefined);
    this.exited = new Promise<Exit>((resolve) => {
      this.process.once('error', (error) => {
        this.lines.push({ at: nowMs(), stream: 'stderr', text: `spawn failed: ${error.message}` });
        this.exit = { code: null, signal: null, at: nowMs() };
        resolve(this.exit);
      });
      // The time is taken at 'exit'; the promise resolves at 'close', once every output line is in.
      let exitAt = 0;
      this.process.once('exit', () => (exitAt = nowMs()));
      this.process.once('close', (code, signal) => {
        this.exit = { code, signal, at: exitAt || nowMs() };
        resolve(this.exit);
      });
    });
    this.unregister = onCleanup(() => this.stop().then(() => undefined));
    void this.exited.then(() => this.unregister());
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === null;
  }

  onLine(listener: (line: OutputLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first line (already printed or still to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpExecArray; line: OutputLine }> {
    for (const line of this.lines) {
      const match = pattern.exec(line.text);
      if (match) return Promise.resolve({ match, line });
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        off();
        return true;
      };
      const off = this.onLine((line) => {
        const match = pattern.exec(line.text);
        if (match && done()) resolve({ match, line });
      });
      const timer = setTimeout(() => {
        if (done()) {
          reject(
            new Error(
              `${this.options.label}: no line matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`,
            ),
          );
        }
      }, timeoutMs);
      void this.exited.then((exit) => {
        if (!done()) return;
        reject(
          new Error(
            `${this.options.label} exited (code ${exit.code}, signal ${exit.signal}) before printing ${pattern}\n${this.tail()}`,
          ),
        );
      });
    });
  }

  /** Waits for exit; kills the child (and fails) when it takes longer than `timeoutMs`. */
  async wait(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await this.stop();
      throw new Error(`${this.options.label} did not finish within ${timeoutMs / 1000} s\n${this.tail()}`);
    }
    return outcome;
  }

  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`. Resolves with the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    this.memory?.stop();
    return exit;
  }

  /** Stops memory sampling and returns what it saw (null when not sampling). */
  memorySummary(): MemorySummary | null {
    return this.memory?.stop() ?? null;
  }

  stdoutLines(): string[] {
    return this.lines.filter((line) => line.stream === 'stdout').map((line) => line.text);
  }

  /** The last lines of output, for error messages. */
  tail(count = 30): string {
    return this.lines
      .slice(-count)
      .map((line) => `  ${line.stream === 'stderr' ? '!' : ' '} ${line.text}`)
      .join('\n');
  }
}

export function spawnChild(command: string, args: readonly string[], options: SpawnOptions): Child {
  return new Child(command, args, options);
}
