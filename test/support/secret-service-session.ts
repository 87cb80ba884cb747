import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface SessionRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a throwaway user: its own HOME and XDG dirs (the keyring file lands there, never
 * in the real one), and no D-Bus session of the caller's.
 */
export async function throwawayUserEnv(home: string): Promise<NodeJS.ProcessEnv> {
  const runtime = join(home, 'run');
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_RUNTIME_DIR: runtime,
    HOIST_HOME: join(home, 'hoist'),
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  delete env.HOIST_TOKEN;
  return env;
}

/**
 * Runs `command` (a shell command line) inside its own D-Bus session with an unlocked GNOME Keyring
 * serving the Secret Service, as a desktop login would have: the keychain tests talk to the real thing,
 * and the session, its keyring and the daemon end with the command. `stdin` is piped to the command.
 */
export function runInSecretService(
  command: string,
  env: NodeJS.ProcessEnv,
  stdin = '',
  keyring: 'unlocked' | 'locked' = 'unlocked',
): Promise<SessionRun> {
  // Locked: the daemon runs but nobody gives it the password (and there is no display for its prompt).
  const daemon =
    keyring === 'unlocked'
      ? 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null'
      : 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1';
  const script = `${daemon}; ${command}`;
  return run('dbus-run-session', ['--', 'sh', '-c', script], env, stdin);
}

/** Runs `command` with no D-Bus session at all: the "no keychain" machine. */
export function runWithoutSession(command: string, env: NodeJS.ProcessEnv, stdin = ''): Promise<SessionRun> {
  return run('sh', ['-c', command], env, stdin);
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<SessionRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
