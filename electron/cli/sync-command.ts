import { formatBytes } from '../../shared/format-bytes.js';
import type { ActivityEntry } from '../../shared/sync-types.js';
import type { SyncService } from '../engine/sync-service.js';
import { guardFolderToSync, openPair, type OpenedPair } from '../host/open-pair.js';
import {
  byteSize,
  duration,
  parseClientArgs,
  positiveInteger,
  rate,
  REMOTE_OPTIONS_HELP,
  resolveFolder,
  settingsFromFlags,
} from './client-options.js';
import { ProgressLine } from './progress-line.js';
import { printSummary, printTimeLimit } from './once-summary-output.js';
import { forTerminal, printable } from './terminal-wording.js';
import type { CommandIo } from './remote-command.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_SIGINT,
  EXIT_SIGTERM,
  EXIT_TIME_LIMIT,
  UsageError,
} from './usage-error.js';

// A --once run ends by then whatever the remote does. Stalls are caught much sooner (a 30 s stall
// time-out per request, 5 min without progress per file), so this is the backstop: long enough for
// a first sync of tens of GB on an ordinary uplink, short enough that an hourly cron job never piles
// up behind a remote that keeps the run busy without getting anywhere. What it cuts is resumed by
// the next run.
const DEFAULT_ONCE_TIME_LIMIT_MS = 60 * 60_000;

export const SYNC_USAGE = `Usage: hoist sync <folder> [options]

Mirrors <folder> into the remote: uploads new and changed files, skips what the remote already has.
Never replaces a remote file this folder did not upload: such a file is a conflict (hoist resolve).
Without --once it keeps watching until Ctrl-C.

Options:
  --once               scan, upload everything pending, refresh, print a summary and exit
                       (exit 0: all synced; 1: some file not synced or in conflict, each listed;
                       2: usage or configuration error; 124: stopped at the time limit)
  --time-limit D       with --once: stop cleanly after D (e.g. 90s, 10m, 2h; default 1h; none for
                       no limit), say what it was still waiting on, exit 124; what is left is
                       synced by the next run
  --stall-timeout D    give up on a request when the remote sends nothing for D after it began
                       to answer (default 30s); it gets twice that to start answering or to take
                       more of an upload
  --remote-folder NAME put this folder's files under NAME on the remote (remembered for the
                       folder; --remote-folder '' puts them back at the top)
  --concurrency N      file bodies on the wire at once (default 4, or the folder's setting)
  --delete-remote      apply local deletions to the remote (never a mass deletion)
  --bandwidth RATE     limit uploads, e.g. 500K or 2M bytes per second
  --multipart-threshold SIZE
                       files of at least SIZE (e.g. 50M; default 100 MiB, at most 5G) go
                       up in parts, resumably, where the remote takes parts
  --quiet              no per-file lines; only the summary and problems
  --confirm-deletions  with --delete-remote: a held mass deletion (more than half the folder gone
                       within a minute) goes ahead
  --keep-remote-copies refuse a held mass deletion: keep those remote copies
  --yes                the first sync of a very large folder (over 100,000 files or 50 GB)
                       goes ahead; without it, that first sync stops and says what it found
${REMOTE_OPTIONS_HELP}`;

export async function runSyncCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, {
    once: { type: 'boolean' },
    'remote-folder': { type: 'string' },
    concurrency: { type: 'string' },
    'delete-remote': { type: 'boolean' },
    bandwidth: { type: 'string' },
    'multipart-threshold': { type: 'string' },
    quiet: { type: 'boolean' },
    'confirm-deletions': { type: 'boolean' },
    'keep-remote-copies': { type: 'boolean' },
    'time-limit': { type: 'string' },
    'stall-timeout': { type: 'string' },
    yes: { type: 'boolean' },
  });
  if (values['confirm-deletions'] === true && values['keep-remote-copies'] === true) {
    throw new UsageError('Choose one of --confirm-deletions and --keep-remote-copies');
  }
  if (positionals.length > 1) throw new UsageError('hoist sync takes one folder');
  if (values['time-limit'] !== undefined && values.once !== true) {
    throw new UsageError('--time-limit goes with --once (watching has no end)');
  }
  const timeLimitMs = duration(values['time-limit'], 'time-limit', {
    min: 1000,
    max: 7 * 24 * 3_600_000,
    none: true,
  });
  const stallTimeoutMs = duration(values['stall-timeout'], 'stall-timeout', { min: 1000, max: 3_600_000 });
  // `/`, home, system folders and Hoist's own data are refused; a huge first sync waits for --yes.
  const folder = await guardFolderToSync(
    { ...remote, folder: await resolveFolder(positionals[0]) },
    { confirmed: values.yes === true, askHow: '. To sync it, run the same command with --yes.' },
  );
  // Only the flags given override the folder's stored settings, checked like settings from the UI.
  const overrides = await settingsFromFlags({
    concurrency: {
      flag: '--concurrency',
      value: positiveInteger(values.concurrency, 'concurrency', undefined, 64),
    },
    bandwidthLimit: { flag: '--bandwidth', value: rate(values.bandwidth, 'bandwidth') },
    mirrorDeletions: { flag: '--delete-remote', value: values['delete-remote'] === true ? true : undefined },
    multipartThreshold: {
      flag: '--multipart-threshold',
      value: byteSize(values['multipart-threshold'], 'multipart-threshold'),
    },
  });
  const store = await settingsFromFlags({
    remoteFolder: { flag: '--remote-folder', value: values['remote-folder'] },
  });
  const pair = await openPair(
    { ...remote, folder, overrides, store, ...(stallTimeoutMs ? { stallTimeoutMs } : {}) },
    {
      purpose: values.once === true ? 'hoist sync --once' : 'hoist sync',
      engine: { confirmMassDeletion: values['confirm-deletions'] === true },
      // A --once run has no window and ends soon: its embedded remote (if any) skips a worker's start-up.
      embeddedThread: values.once === true ? 'this-thread' : 'own-thread',
    },
  );
  try {
    for (const warning of pair.warnings) io.err(`Warning: ${warning}`);
    if (values['keep-remote-copies'] === true) {
      io.out(
        `Kept the remote copies of ${pair.service.refuseDeletions()} file(s) that disappeared from the folder.`,
      );
    }
    const once =
      values.once === true
        ? { timeLimitMs: timeLimitMs === undefined ? DEFAULT_ONCE_TIME_LIMIT_MS : timeLimitMs }
        : null;
    return await runPair(pair, folder, io, once, values.quiet === true);
  } finally {
    await pair.close();
  }
}

async function runPair(
  pair: OpenedPair,
  folder: string,
  io: CommandIo,
  once: { timeLimitMs: number | null } | null,
  quiet: boolean,
): Promise<number> {
  const { service } = pair;
  const output = attachOutput(service, io, quiet, once !== null);
  if (once) {
    // A signal ends the run promptly: uploads in flight are aborted and stay queued for next time.
    let stoppedBy: string | null = null;
    void io.stopSignal.then((signal) => {
      stoppedBy = signal;
      output.line(`${signal}: stopping…`);
      void service.stop();
    });
    const summary = await service.runOnce(once.timeLimitMs === null ? {} : { timeLimitMs: once.timeLimitMs });
    output.done();
    if (stoppedBy !== null) {
      io.err(
        `Stopped by ${stoppedBy}: ${summary.uploaded} uploaded before that; the rest is uploaded by the next hoist sync.`,
      );
      return stoppedBy === 'SIGINT' ? EXIT_SIGINT : EXIT_SIGTERM;
    }
    if (summary.stateFailure !== null) {
      // The state cannot be trusted, so neither can a summary read from it: the failure alone.
      io.err(summary.stateFailure.message);
      return EXIT_FAILED;
    }
    const code = printSummary(summary, pair, folder, io);
    if (summary.timeLimit === null) return code;
    printTimeLimit(summary.timeLimit, io);
    return EXIT_TIME_LIMIT;
  }
  // Watching ends by itself when the state DB fails: it would otherwise sit there stopped.
  const stateFailed = new Promise<string>((resolve) =>
    service.on('problem', (problem) => problem.id === 'state' && resolve(problem.message)),
  );
  await service.start();
  output.line(`Watching ${folder} → ${pair.label}. Press Ctrl-C to stop.`);
  const ended = await Promise.race([
    io.stopSignal.then((signal) => ({ signal })),
    stateFailed.then((message) => ({ message })),
  ]);
  if ('message' in ended) {
    await service.stop();
    output.done();
    io.err(ended.message);
    return EXIT_FAILED;
  }
  output.line(`${ended.signal}: stopping…`);
  await service.stop();
  output.done();
  return service.status().state === 'auth-failed' ? EXIT_FAILED : EXIT_OK;
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

// Without a word for this long while working, the CLI says what it is waiting on.
const QUIET_MS = 10_000;

function attachOutput(
  service: SyncService,
  io: CommandIo,
  quiet: boolean,
  once: boolean,
): { line: (text: string) => void; done: () => void } {
  const bar = io.terminal ? new ProgressLine(process.stdout) : null;
  const line = (text: string): void => (bar ? bar.print(text) : io.out(text));
  // A --once run whose remote cannot be used ends with that one message (printSummary); its live
  // WARNING line would say the same thing twice.
  const saidAtTheEnd = new Set<string>();
  if (once) service.on('problem', (problem) => problem.id === 'remote' && saidAtTheEnd.add(problem.message));
  service.on('activity', (entry) => {
    if (entry.path === null && saidAtTheEnd.has(entry.message)) return;
    const important = entry.kind === 'failed' || entry.kind === 'conflict' || entry.kind === 'warning';
    if (quiet && !important) return;
    const subject = printable(entry.path ?? '');
    line(
      `${ACTIVITY_LABELS[entry.kind].padEnd(10)} ${subject}${subject && entry.message ? ' — ' : ''}${forTerminal(entry.message)}`,
    );
  });
  if (bar) service.on('progress', (progress) => bar.update(progress));
  // Never silent for long: while work is under way and nothing was said for QUIET_MS (a remote that
  // stalls, a slow answer being retried), say what Hoist is waiting on.
  let lastSaid = Date.now();
  let lastBytes = -1;
  // Bytes sent when a line last spoke: with no bar (not a terminal), a long upload moving along is
  // said as such, never as "nothing new" (a 6 GiB file is one file for minutes).
  // The ticker reads the status (a few queries) once a second; an activity line only marks the time,
  // since reading it per line made a 20,000-file run quadratic.
  let bytesWhenSaid = 0;
  let saidSinceTick = false;
  service.on('activity', () => {
    lastSaid = Date.now();
    saidSinceTick = true;
  });
  const ticker = setInterval(() => {
    const status = service.status();
    // Waiting on the remote counts as busy whatever the state says (the first listing of a run
    // goes on after the scan, in state idle).
    const waits = service.waitingOn(1);
    const busy =
      waits.length > 0 ||
      status.state === 'syncing' ||
      status.state === 'scanning' ||
      status.state === 'offline';
    const moved = status.progress.bytesDone !== lastBytes;
    lastBytes = status.progress.bytesDone;
    if (saidSinceTick) {
      saidSinceTick = false;
      bytesWhenSaid = status.progress.bytesDone;
    }
    if (!busy || Date.now() - lastSaid < QUIET_MS || (moved && bar)) return;
    lastSaid = Date.now();
    const { filesDone, filesTotal, bytesDone, bytesTotal } = status.progress;
    const counted = filesTotal > 0 ? ` (${filesDone} of ${filesTotal} files done)` : '';
    const sentSince = bytesDone - bytesWhenSaid;
    bytesWhenSaid = bytesDone;
    if (sentSince > 0) {
      line(
        `…          uploading: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)} sent${counted}; ${formatBytes(sentSince)} in the last ${QUIET_MS / 1000} s`,
      );
      return;
    }
    const what =
      status.state === 'scanning'
        ? 'scanning the folder'
        : waits.length > 0
          ? `waiting to ${printable(waits.join(', '))}`
          : `waiting for ${status.remoteLabel}`;
    line(`…          still ${what}${counted}; nothing new in the last ${QUIET_MS / 1000} s`);
  }, 1000);
  ticker.unref();
  return {
    line,
    done: () => {
      clearInterval(ticker);
      bar?.clear();
    },
  };
}
