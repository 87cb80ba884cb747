import { formatBytes } from '../../shared/format-bytes.js';
import type { OnceSummary } from '../engine/sync-engine.js';
import type { OpenedPair } from '../host/open-pair.js';
import { printConflicts } from './conflict-output.js';
import { describeDuration } from './format.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './usage-error.js';

/** What `hoist sync --once` prints when its run ends, and the exit code that goes with it. */

export function printSummary(summary: OnceSummary, pair: OpenedPair, folder: string, io: CommandIo): number {
  if (summary.remoteUnusable !== null) {
    // One message for the whole run, and the files it held back on one line, not one line each.
    io.err(forTerminal(summary.remoteUnusable.message));
    const waiting = summary.unsynced.map((file) => printable(file.path));
    const named =
      waiting.slice(0, 10).join(', ') + (waiting.length > 10 ? `, … (${waiting.length - 10} more)` : '');
    io.err(
      `Nothing was uploaded${waiting.length > 0 ? `; ${waiting.length} file(s) waiting: ${named}` : ''}.`,
    );
    return summary.remoteUnusable.category === 'config' ? EXIT_USAGE : EXIT_FAILED;
  }
  const notSynced = [
    ...summary.unsynced.filter((file) => file.state !== 'conflict'),
    // A folder entry Hoist could not read is not synced either (nor are the files inside it).
    ...summary.unreadable.map((entry) => ({ path: entry.path || '.', message: entry.message })),
  ];
  const conflicts = summary.conflicts.length;
  io.out(
    `Synced with ${pair.label}: ${summary.uploaded} uploaded (${formatBytes(summary.bytesUploaded)}), ${summary.alreadyOnRemote} already there, ${notSynced.length + conflicts} not synced${conflicts > 0 ? ` (${conflicts} in conflict)` : ''}.`,
  );
  for (const problem of summary.problems) io.err(`Problem: ${forTerminal(problem.message)}`);
  if (notSynced.length > 0) {
    io.err(`Not synced (${notSynced.length}):`);
    for (const file of notSynced) io.err(`  ${printable(file.path)}: ${forTerminal(file.message)}`);
  }
  if (summary.skipped.length > 0) {
    io.out(`Skipped (${summary.skipped.length}), not synced by design:`);
    for (const entry of summary.skipped) io.out(`  ${printable(entry.path)}: ${entry.message}`);
  }
  if (summary.vanished.length > 0) {
    io.out(`Deleted from the folder during the run, so not uploaded (${summary.vanished.length}):`);
    for (const entry of summary.vanished) io.out(`  ${printable(entry.path)}: ${entry.message}`);
  }
  printConflicts(summary.conflicts, pair, folder, io);
  if (summary.deletions.kind === 'refused-mass-deletion') {
    io.err(
      'Review the deleted files with hoist status, then run again with --confirm-deletions or --keep-remote-copies.',
    );
  }
  // A deletion --delete-remote asked for that failed leaves the remote out of step: said, and exit 1.
  const failedDeletions = summary.deletions.kind === 'applied' ? summary.deletions.failed : 0;
  if (failedDeletions > 0) {
    io.err(
      `${failedDeletions} remote cop${failedDeletions === 1 ? 'y' : 'ies'} of deleted files could not be deleted (each named above); the next hoist sync --delete-remote tries again.`,
    );
  }
  const blocking =
    summary.problems.some((problem) => problem.category === 'auth') ||
    summary.deletions.kind === 'refused-mass-deletion' ||
    failedDeletions > 0;
  return notSynced.length > 0 || conflicts > 0 || blocking ? EXIT_FAILED : EXIT_OK;
}

/** Why the run ended early: the limit, and what it was still waiting on the remote for. */
export function printTimeLimit(limit: NonNullable<OnceSummary['timeLimit']>, io: CommandIo): void {
  const waiting = limit.waitingOn;
  io.err(
    `Stopped at the time limit (--time-limit ${describeDuration(limit.limitMs)})${waiting.length > 0 ? ', still waiting to:' : '.'}`,
  );
  for (const line of waiting) io.err(`  ${forTerminal(printable(line))}`);
  io.err('Nothing was half-recorded: what is not synced is synced by the next hoist sync.');
}
