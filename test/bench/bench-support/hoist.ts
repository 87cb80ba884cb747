import { randomBytes } from 'node:crypto';
import { spawnChild, type Child, type Exit } from './child.js';
import { NODE_START_FLAGS } from '../../../electron/base/node-memory-flags.js';
import { CLI, HOIST } from './paths.js';
import type { MemorySummary } from './proc-stats.js';
import { S3RVER_KEY } from './s3.js';

/** The environment for a `hoist` child: ours, minus anything that could point it at real data. */
export function hoistEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.HOIST_TOKEN;
  Object.assign(env, extra);
  return env;
}

export interface RemoteServer {
  url: string;
  token: string;
  child: Child;
  /** Requests answered so far, per route (from the server's request log). */
  routeCounts(): Record<string, { count: number; totalMs: number }>;
  /** The Alloy list as the server answers it now. */
  list(): Promise<Array<{ s3Key: string; filename: string; size: number }>>;
  stop(): Promise<void>;
}

export interface RemoteOptions {
  dataDir: string;
  backend: { kind: 'fs'; fsync?: boolean } | { kind: 's3'; endpoint: string; bucket: string };
  /** Keep the request log (one line per request) to count requests per route. Default true. */
  log?: boolean;
  /** Another build of dist/electron/cli/main.js, to compare two versions of the server. */
  cli?: string;
}

/** `hoist remote` on a free port with one user, its data in `dataDir`. */
export async function startRemote(options: RemoteOptions): Promise<RemoteServer> {
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const args = [
    ...NODE_START_FLAGS,
    options.cli ?? CLI,
    'remote',
    '--port',
    '0',
    '--data',
    options.dataDir,
    '--user',
    `bench:${token}`,
  ];
  if (options.log === false) args.push('--quiet');
  const env = hoistEnv();
  if (options.backend.kind === 's3') {
    args.push('--backend', 's3', '--s3-bucket', options.backend.bucket);
    args.push('--s3-endpoint', options.backend.endpoint, '--s3-path-style');
    env.AWS_ACCESS_KEY_ID = S3RVER_KEY.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = S3RVER_KEY.secretAccessKey;
    env.AWS_REGION = 'us-east-1';
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
  } else if (options.backend.fsync === false) {
    args.push('--no-fsync');
  }
  const child = spawnChild(process.execPath, args, { label: 'hoist remote', env, sampleMemoryMs: 500 });
  const { match } = await child.waitForLine(/listening on (http:\/\/\S+)/, 30_000);
  const url = match[1] as string;
  return {
    url,
    token,
    child,
    routeCounts: () => {
      const counts: Record<string, { count: number; totalMs: number }> = {};
      for (const line of child.stdoutLines()) {
        const parsed = / (\d+)ms \S+ user=\S+ route=(\S+)$/.exec(line);
        if (!parsed) continue;
        const route = parsed[2] as string;
        const entry = (counts[route] ??= { count: 0, totalMs: 0 });
        entry.count++;
        entry.totalMs += Number(parsed[1]);
      }
      return counts;
    },
    list: async () => {
      const response = await fetch(`${url}/connectors/files/list`, {
        headers: { authorization: `Bearer ${token}`, 'x-api-version': '2025-09' },
      });
      if (response.status !== 200)
        throw new Error(`list answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { files: Array<{ s3Key: string; filename: string; size: number }> })
        .files;
    },
    stop: async () => {
      await child.stop('SIGTERM', 15_000);
    },
  };
}

export interface SyncArgs {
  folder: string;
  stateDir: string;
  /** A reference server to sync to; the embedded remote (in the hoist process) when absent. */
  remote?: RemoteServer;
  concurrency?: number;
  quiet?: boolean;
  /** Extra node options, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeArgs?: string[];
  /** A command the node process runs under, e.g. ['/usr/bin/time', '-f', …] (bench-support/rusage.ts). */
  prefix?: readonly string[];
}

export function syncArgs(options: SyncArgs, once: boolean): { args: string[]; env: NodeJS.ProcessEnv } {
  const args = [...(options.nodeArgs ?? []), ...HOIST, 'sync', options.folder, '--state', options.stateDir];
  if (once) args.push('--once');
  if (options.quiet !== false) args.push('--quiet');
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  const env = hoistEnv();
  if (options.remote) {
    args.push('--provider', 'local', '--remote', options.remote.url);
    env.HOIST_TOKEN = options.remote.token;
  }
  return { args, env };
}

export interface OnceSummaryLine {
  uploaded: number;
  alreadyThere: number;
  notSynced: number;
}

export interface OnceRun {
  seconds: number;
  exit: Exit;
  summary: OnceSummaryLine | null;
  memory: MemorySummary | null;
  output: string[];
  /** "Problem: …" lines (a refresh that failed, …): the sync went on, but something is wrong. */
  problems: string[];
}

/** `hoist sync <folder> --once`, timed from spawn to exit (the whole process, start-up included). */
export async function runSyncOnce(options: SyncArgs, timeoutMs: number): Promise<OnceRun> {
  const { args, env } = syncArgs(options, true);
  const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, ...args] as [
    string,
    ...string[],
  ];
  const child = spawnChild(command, commandArgs, { label: 'hoist sync --once', env, sampleMemoryMs: 50 });
  const exit = await child.wait(timeoutMs);
  const memory = child.memorySummary();
  const seconds = (exit.at - child.startedAt) / 1000;
  const output = child.lines.map((line) => line.text);
  const summary = parseSummary(output);
  if (exit.code !== 0 || summary === null) {
    throw new Error(`hoist sync --once failed (code ${exit.code}, signal ${exit.signal})\n${child.tail()}`);
  }
  const problems = output.filter((line) => line.startsWith('Problem: '));
  return { seconds, exit, summary, memory, output, problems };
}

/** "Synced with …: N uploaded (…), M already there, K not synced." */
export function parseSummary(lines: readonly string[]): OnceSummaryLine | null {
  for (const line of lines) {
    const match = /: (\d+) uploaded \(.*\), (\d+) already there, (\d+) not synced\./.exec(line);
    if (match) {
      return { uploaded: Number(match[1]), alreadyThere: Number(match[2]), notSynced: Number(match[3]) };
    }
  }
  return null;
}

/** `hoist sync <folder>` in watch mode; resolves once it prints "Watching …". */
export async function startWatch(
  options: SyncArgs,
  timeoutMs: number,
): Promise<{ child: Child; watchingAt: number }> {
  const { args, env } = syncArgs(options, false);
  const child = spawnChild(process.execPath, args, { label: 'hoist sync (watch)', env, sampleMemoryMs: 50 });
  const { line } = await child.waitForLine(/^Watching /, timeoutMs);
  return { child, watchingAt: line.at };
}
