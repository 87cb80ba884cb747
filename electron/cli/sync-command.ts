import type { ActivityEntry } from '../../shared/sync-types.js';
import { HasherPool } from '../engine/hash/hasher-pool.js';
import { openPairState } from '../engine/state/pair-state.js';
import { SyncEngine, type OnceSummary } from '../engine/sync-engine.js';
import { SyncService } from '../engine/sync-service.js';
import {
  parseClientArgs,
  positiveInteger,
  rate,
  REMOTE_OPTIONS_HELP,
  resolveFolder,
} from './client-options.js';
import { formatBytes } from '../../shared/format-bytes.js';
import { pairStateFile } from './pair-location.js';
import { ProgressLine } from './progress-line.js';
import { connectRemote } from './remote-connection.js';
import type { CommandIo } from './remote-command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const SYNC_USAGE = `Usage: hoist sync <folder> [options]

Mirrors <folder> into the remote: uploads new and changed files, skips what the remote already has.
Without --once it keeps watching until Ctrl-C.

Options:
  --once               scan, upload everything pending, refresh, print a summary and exit
                       (exit 0: all synced; 1: some file not synced, each listed; 2: usage error)
  --concurrency N      uploads in flight at once (default 4)
  --delete-remote      apply local deletions to the remote (never a mass deletion)
  --bandwidth RATE     limit uploads, e.g. 500K or 2M bytes per second
  --quiet              no per-file lines; only the summary and problems
${REMOTE_OPTIONS_HELP}`;

export async function runSyncCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, {
    once: { type: 'boolean' },
    concurrency: { type: 'string' },
    'delete-remote': { type: 'boolean' },
    bandwidth: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError('hoist sync takes one folder');
  const folder = await resolveFolder(positionals[0]);
  const concurrency = positiveInteger(values.concurrency, 'concurrency', 4, 64);
  const bandwidthLimit = rate(values.bandwidth, 'bandwidth');
  const connection = await connectRemote(remote);
  const state = openPairState(
    await pairStateFile(remote.stateRoot, folder, remote.provider, connection.remoteUrl),
  );
  const hasher = new HasherPool();
  try {
    state.settings.setFact('folder', folder);
    state.settings.setFact('provider', remote.provider);
    state.settings.setFact('remote', connection.remoteUrl);
    const engine = new SyncEngine({
      root: folder,
      state,
      provider: connection.provider,
      hasher,
      ignoreAbsolutePaths: [remote.stateRoot],
      settings: {
        concurrency,
        ...(values['delete-remote'] === true ? { mirrorDeletions: true } : {}),
        ...(bandwidthLimit !== undefined ? { bandwidthLimit } : {}),
      },
    });
    const service = new SyncService(engine, state);
    const output = attachOutput(service, io, values.quiet === true);
    const label = `${connection.provider.info.label}${connection.remoteUrl.startsWith('http') ? ` (${connection.remoteUrl})` : ''}`;
    if (values.once === true) {
      const summary = await service.runOnce();
      output.done();
      return printSummary(summary, label, io);
    }
    await service.start();
    output.line(`Watching ${folder} → ${label}. Press Ctrl-C to stop.`);
    const signal = await io.stopSignal;
    output.line(`${signal}: stopping…`);
    await service.stop();
    output.done();
    return service.status().state === 'auth-failed' ? EXIT_FAILED : EXIT_OK;
  } finally {
    await hasher.close();
    state.close();
    await connection.close();
  }
}

const ACTIVITY_LABELS: Record<ActivityEntry['kind'], string> = {
  uploaded: 'uploaded',
  'already-on-remote': 'on remote',
  'deleted-remote': 'deleted',
  'deleted-locally': 'deleted locally',
  failed: 'FAILED',
  conflict: 'CONFLICT',
  skipped: 'skipped',
  info: 'info',
  warning: 'WARNING',
};

function attachOutput(
  service: SyncService,
  io: CommandIo,
  quiet: boolean,
): { line: (text: string) => void; done: () => void } {
  const bar = io.terminal ? new ProgressLine(process.stdout) : null;
  const line = (text: string): void => (bar ? bar.print(text) : io.out(text));
  service.on('activity', (entry) => {
    const important = entry.kind === 'failed' || entry.kind === 'conflict' || entry.kind === 'warning';
    if (quiet && !important) return;
    const subject = entry.path ?? '';
    line(
      `${ACTIVITY_LABELS[entry.kind].padEnd(10)} ${subject}${subject && entry.message ? ' — ' : ''}${entry.message}`,
    );
  });
  if (bar) service.on('progress', (progress) => bar.update(progress));
  return { line, done: () => bar?.clear() };
}

function printSummary(summary: OnceSummary, label: string, io: CommandIo): number {
  const notSynced = summary.unsynced.length;
  io.out(
    `Synced with ${label}: ${summary.uploaded} uploaded (${formatBytes(summary.bytesUploaded)}), ${summary.alreadyOnRemote} already there, ${notSynced} not synced.`,
  );
  for (const problem of summary.problems) io.err(`Problem: ${problem.message}`);
  if (notSynced > 0) {
    io.err(`Not synced (${notSynced}):`);
    for (const file of summary.unsynced) io.err(`  ${file.path}: ${file.message}`);
  }
  const blocking =
    summary.problems.some((problem) => problem.category === 'auth') ||
    summary.deletions.kind === 'refused-mass-deletion';
  return notSynced > 0 || blocking ? EXIT_FAILED : EXIT_OK;
}
