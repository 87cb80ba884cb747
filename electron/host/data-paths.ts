import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Hoist keeps its own data on this platform (state DBs, the embedded remote's files). */
export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HOIST_HOME) return env.HOIST_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hoist');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hoist');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hoist');
}
