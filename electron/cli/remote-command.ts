import { SyncError } from '../engine/sync-error.js';
import { loadOrCreateDefaultUser } from './default-remote-user.js';
import { parseRemoteOptions } from './remote-options.js';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** stdout is a terminal: progress is drawn as a bar instead of printed as lines. */
  terminal: boolean;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>;
}

/** `hoist remote`: runs the reference server until a signal, then shuts it down cleanly. */
export async function runRemoteCommand(argv: string[], io: CommandIo): Promise<number> {
  const options = await parseRemoteOptions(argv, io.env);
  // Only now: the server (and the AWS SDK under it) takes a while to load, and a usage error needs neither.
  const { startReferenceServer } = await import('../server/reference-server.js');
  if (options.needsDefaultUser) {
    const { user } = await loadOrCreateDefaultUser(options.server.dataDir);
    options.server.users = [user];
    io.out(`No --user given: user "${user.name}" has token ${user.token}`);
  }
  const server = await startReferenceServer({
    ...options.server,
    ...(options.quiet ? {} : { log: io.out }),
  }).catch((error: unknown) => {
    // A taken port or an unusable data dir is the user's setup to fix: a configuration error (exit 2).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new SyncError(
        'config',
        `Port ${options.server.port ?? ''} on ${options.server.host ?? '127.0.0.1'} is already in use (EADDRINUSE): choose another with --port, or 0 for any free one`,
      );
    }
    if (code === 'EACCES' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EROFS') {
      throw new SyncError('config', `Cannot use ${options.server.dataDir}: ${(error as Error).message}`);
    }
    throw error;
  });
  io.out(
    `Hoist reference remote listening on ${server.url} (backend ${server.backend}, data ${options.server.dataDir})`,
  );
  io.out(`  Alloy:      ${server.url}/connectors/files/...  (Authorization: Bearer, x-api-version: 2025-09)`);
  io.out(`  Composio:   ${server.url}/api/v3.1/files/...    (x-api-key; also /api/v3/)`);
  io.out(`  Open WebUI: ${server.url}/api/v1/files/...      (Authorization: Bearer)`);
  io.out(`  users: ${server.users.map((user) => `${user.name}${user.admin ? ' (admin)' : ''}`).join(', ')}`);
  const signal = await io.stopSignal;
  io.out(`${signal}: shutting down`);
  await server.close();
  io.out('stopped');
  return 0;
}
