import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnChild, type Exit } from './child.js';
import type { MemorySummary } from './proc-stats.js';
import { S3RVER_KEY } from './s3.js';

/** rclone rejects the AWS_CA_BUNDLE this machine sets (and needs none for http://127.0.0.1). */
export function rcloneEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  for (const name of Object.keys(env)) if (name.startsWith('RCLONE_')) delete env[name];
  return env;
}

/** A temp rclone config with one remote, `bench`, for s3rver (never the user's own config). */
export async function writeRcloneConfig(dir: string, endpoint: string): Promise<string> {
  const file = join(dir, 'rclone.conf');
  await writeFile(
    file,
    [
      '[bench]',
      'type = s3',
      'provider = Other',
      'env_auth = false',
      `access_key_id = ${S3RVER_KEY.accessKeyId}`,
      `secret_access_key = ${S3RVER_KEY.secretAccessKey}`,
      'region = us-east-1',
      `endpoint = ${endpoint}`,
      'force_path_style = true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

export interface RcloneRun {
  seconds: number;
  exit: Exit;
  memory: MemorySummary | null;
  output: string[];
}

/** `prefix`: a command rclone runs under, e.g. ['/usr/bin/time', '-f', …] (bench-support/rusage.ts). */
export async function runRclone(
  args: readonly string[],
  timeoutMs: number,
  prefix: readonly string[] = [],
): Promise<RcloneRun> {
  const [command, ...commandArgs] = [...prefix, 'rclone', ...args] as [string, ...string[]];
  const child = spawnChild(command, commandArgs, { label: 'rclone', env: rcloneEnv(), sampleMemoryMs: 50 });
  const exit = await child.wait(timeoutMs);
  const memory = child.memorySummary();
  const output = child.lines.map((line) => line.text);
  if (exit.code !== 0) {
    throw new Error(
      `rclone ${args.join(' ')} failed (code ${exit.code}, signal ${exit.signal})\n${child.tail()}`,
    );
  }
  return { seconds: (exit.at - child.startedAt) / 1000, exit, memory, output };
}

export async function rcloneVersion(): Promise<string> {
  const child = spawnChild('rclone', ['version'], { label: 'rclone version', env: rcloneEnv() });
  await child.wait(30_000);
  return child.stdoutLines()[0] ?? 'unknown';
}
