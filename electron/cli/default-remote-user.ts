import { ensureDirectory } from '../base/ensure-directory.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken, type UserSpec } from '../server/users.js';

/**
 * With no users configured, the remote has one user, "local", whose token is generated once and kept
 * in the remote's own data dir (mode 0600), so restarting the server does not invalidate clients.
 */
export async function loadOrCreateDefaultUser(
  dataDir: string,
): Promise<{ user: UserSpec; created: boolean }> {
  const file = join(dataDir, 'default-user.json');
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<UserSpec>;
    if (typeof stored.name === 'string' && typeof stored.token === 'string') {
      return { user: { name: stored.name, token: stored.token }, created: false };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const user = { name: 'local', token: generateToken() };
  await ensureDirectory(dataDir, 0o755);
  await writeFile(file, JSON.stringify(user), { mode: 0o600 });
  return { user, created: true };
}
