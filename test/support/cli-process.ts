import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI; the global setup compiles dist/ from the current sources before any test runs. */
export const CLI = fileURLToPath(new URL('../../dist/electron/cli/main.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits or time runs out. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<Exit>;
}

/**
 * Spawns `hoist` processes for one test file and kills whatever a failed test left running.
 * HOIST_HOME points into `home` so nothing touches the real data root.
 */
export class CliProcesses {
  private readonly running = new Set<Cli>();

  constructor(private readonly home: () => string) {}

  spawn(args: string[], env: Record<string, string> = {}, prefix: string[] = []): Cli {
    const [command, ...commandArgs] = [...prefix, process.execPath, CLI, ...args];
    const child = spawn(command as string, commandArgs, {
      env: { ...process.env, HOIST_HOME: join(this.home(), 'home'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const watchers = new Set<() => void>();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const watcher of watchers) watcher();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<Exit>((resolve) => {
      child.once('close', (code, signal) => {
        resolve({ code, signal });
        for (const watcher of watchers) watcher();
      });
    });
    const cli: Cli = {
      child,
      stdout: () => stdout,
      stderr: () => stderr,
      exited,
      waitForStdout: (pattern, timeoutMs = 15_000) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            const match = pattern.exec(stdout);
            if (match) {
              done();
              resolve(match);
            } else if (child.exitCode !== null || child.signalCode !== null) {
              done();
              reject(
                new Error(`hoist exited before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`),
              );
            }
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`no ${pattern} within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }, timeoutMs);
          const done = (): void => {
            clearTimeout(timer);
            watchers.delete(check);
          };
          watchers.add(check);
          check();
        }),
    };
    this.running.add(cli);
    return cli;
  }

  /** Runs hoist to completion (or kills it after `timeoutMs`). */
  async run(
    args: string[],
    options: { env?: Record<string, string>; prefix?: string[]; timeoutMs?: number } = {},
  ): Promise<Exit & { stdout: string; stderr: string }> {
    const cli = this.spawn(args, options.env, options.prefix);
    const timer = setTimeout(() => cli.child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    const exit = await cli.exited;
    clearTimeout(timer);
    return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  async killAll(): Promise<void> {
    const left = [...this.running];
    this.running.clear();
    for (const cli of left) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    }
    await Promise.all(left.map((cli) => cli.exited));
  }
}
