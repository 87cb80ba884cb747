import { access, readdir } from 'node:fs/promises';
import { providerLabel } from '../../shared/providers.js';
import { basename, dirname, join } from 'node:path';
import {
  countFiles,
  NOT_SYNCED_REASONS,
  type NotSyncedCounts,
  type NotSyncedEntry,
} from '../../shared/not-synced.js';
import type { FileCounts } from '../../shared/sync-types.js';
import { openPairState } from '../engine/state/pair-state.js';
import { readStoredStatus } from '../engine/stored-status.js';
import { parseClientArgs, REMOTE_OPTIONS_HELP, resolveFolder } from './client-options.js';
import { AppConfigFile, type FolderConfig } from '../host/app-config.js';
import { remoteLabelOf } from '../host/folder-remote.js';
import { folderIdOf } from '../host/folder-set.js';
import { pairStateFile } from '../host/pair-location.js';
import { pairsOfFolder } from '../host/sibling-pairs.js';
import { remoteIdentityOf } from '../host/remote-identity.js';
import type { CommandIo } from './remote-command.js';
import { forTerminal, printable } from './terminal-wording.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const STATUS_USAGE = `Usage: hoist status [<folder>] [--json] [options]

Shows what Hoist knows about each synced folder (or just <folder>, with every remote it syncs with
unless --provider or --remote names one) from its state, without contacting the remote: file counts,
last sync, files that are not synced and why. Every folder the app (hoist ui, the desktop app) is
configured to sync is listed first, also one that has not synced yet.
${REMOTE_OPTIONS_HELP}`;

export interface PairStatusReport {
  folder: string;
  /** Whether the app (hoist ui, the desktop app) is configured to sync this folder to this remote. */
  inApp: boolean;
  provider: string;
  remote: string;
  counts: FileCounts;
  remoteFiles: number;
  lastSyncAt: string | null;
  lastRemoteRefreshAt: string | null;
  /** How many are not synced, as the window's headline and the tray count them. */
  notSyncedCount: NotSyncedCounts;
  /** Everything not synced, each with its reason (shared/not-synced.ts), needing attention first. */
  notSynced: NotSyncedEntry[];
  /** What the last scan deliberately left out (symbolic links, special files). */
  skipped: Array<{ path: string; message: string }>;
  /** What the last scan could not read: nothing in these is synced (nor deleted). */
  unreadable: Array<{ path: string; message: string }>;
  /** Files deleted during the last run before they could be uploaded. */
  vanished: Array<{ path: string; message: string }>;
}

export async function runStatusCommand(argv: string[], io: CommandIo): Promise<number> {
  const { remote, values, positionals } = parseClientArgs(argv, io.env, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('hoist status takes at most one folder');
  let files: string[];
  let configured: FolderConfig[] = [];
  if (positionals[0] !== undefined) {
    const folder = await resolveFolder(positionals[0]);
    if (values.provider === undefined && values.remote === undefined) {
      // No remote named: every remote this folder syncs with. Status asks none of them, so nothing
      // needs the one `hoist sync` was told (seen: `hoist status <folder>` after a sync with --remote).
      files = pairsOfFolder(remote.stateRoot, folder).map((pair) => pair.stateFile);
      if (files.length === 0) {
        io.err(`Hoist has not synced ${folder} yet; run hoist sync ${positionals[0]}`);
        return EXIT_FAILED;
      }
    } else {
      const file = await pairStateFile(
        remote.stateRoot,
        folder,
        remote.provider,
        remoteIdentityOf(remote.provider, remote.remote),
      );
      if (!(await exists(file))) {
        io.err(
          `Hoist has not synced ${folder} with ${remoteLabelOf({ provider: remote.provider, remoteUrl: remote.remote })} yet; run hoist sync ${positionals[0]} with the same --provider and --remote`,
        );
        return EXIT_FAILED;
      }
      files = [file];
    }
  } else {
    files = await allPairFiles(remote.stateRoot);
    configured = await configuredFolders(remote.stateRoot, io);
  }
  const inApp = new Set(configured.map(folderIdOf));
  const reports = files
    .map((file) => readReport(file, inApp))
    // The app's folders first, in its order; then pairs only `hoist sync` (or a removed folder) left.
    .sort((a, b) => rank(a, configured) - rank(b, configured));
  const notYet = configured.filter(
    (folder) => !reports.some((report) => report.inApp && sameFolder(report, folder)),
  );
  if (values.json === true) {
    io.out(JSON.stringify(reports, null, 2));
    return EXIT_OK;
  }
  if (reports.length === 0 && notYet.length === 0) {
    io.out('No folders are synced yet. Start with: hoist sync <folder>, or add folders in hoist ui');
  }
  // In the app's order: its folders not synced yet stand where the list has them.
  const listed = [
    ...reports.map((report) => ({ at: rank(report, configured), report, folder: null })),
    ...notYet.map((folder) => ({ at: configured.indexOf(folder), report: null, folder })),
  ].sort((a, b) => a.at - b.at);
  for (const { report, folder } of listed) {
    if (report === null) {
      io.out(`${printable(folder.folder)} → ${remoteLabelOf(folder)}`);
      io.out('  in the app; not synced yet (it starts when hoist ui or the desktop app runs)');
      continue;
    }
    const { counts } = report;
    io.out(
      `${printable(report.folder)} → ${providerLabel(report.provider)}${report.remote.startsWith('http') ? ` (${report.remote})` : ''}${configured.length > 0 && !report.inApp ? ' (not in the app: hoist sync only)' : ''}`,
    );
    io.out(
      `  ${countFiles(counts.total)}: ${counts.synced} synced, ${counts.pending} pending, ${counts.failed} failed, ${counts.conflict} in conflict${counts.ignored > 0 ? ` (+${counts.ignored} ignored)` : ''}; ${counts.deleted} deleted locally; ${report.remoteFiles} on the remote`,
    );
    const { needsAttention, onPurpose } = report.notSyncedCount;
    io.out(
      `  not synced: ${countFiles(needsAttention)}${onPurpose > 0 ? `; skipped on purpose: ${onPurpose}` : ''}`,
    );
    io.out(
      `  last sync: ${report.lastSyncAt ?? 'never'}; remote list refreshed: ${report.lastRemoteRefreshAt ?? 'never'}`,
    );
    if (report.vanished.length > 0) {
      io.out(`  deleted before they were uploaded: ${report.vanished.length} (--json lists them)`);
    }
    // Those that need attention, each with its reason; what was skipped on purpose only in --json.
    const attention = report.notSynced.filter((entry) => !NOT_SYNCED_REASONS[entry.reason].onPurpose);
    for (const entry of attention.slice(0, 20)) {
      const label = NOT_SYNCED_REASONS[entry.reason].label;
      io.out(`  ${label}: ${printable(entry.path || '.')}: ${forTerminal(entry.message)}`);
    }
    if (attention.length > 20) io.out(`  … and ${attention.length - 20} more (--json lists them)`);
  }
  return EXIT_OK;
}

function readReport(file: string, inApp: ReadonlySet<string>): PairStatusReport {
  // No quick_check here: it reads the whole file (0.5–0.7 s at 100,000 files) on every status of
  // every pair, and a reader changes nothing; the sync that opens the pair checks it and sets a
  // damaged one aside, and a SQLite error here is still worded with the DB's path (state-failure.ts).
  const state = openPairState(file, { quickCheck: false });
  try {
    const stored = readStoredStatus(state);
    const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());
    return {
      folder: state.settings.fact('folder') ?? '?',
      // The pair directory's name is its id (host/pair-location.ts), the id the app names folders by.
      inApp: inApp.has(basename(dirname(file))),
      provider: state.settings.fact('provider') ?? '?',
      remote: state.settings.fact('remote') ?? '?',
      counts: stored.counts,
      remoteFiles: stored.remoteFiles ?? 0,
      lastSyncAt: iso(stored.lastSyncAt),
      lastRemoteRefreshAt: iso(stored.lastRemoteRefreshAt),
      notSyncedCount: stored.notSyncedCounts,
      notSynced: stored.notSynced,
      skipped: stored.skipped,
      unreadable: stored.unreadable,
      vanished: stored.vanished,
    };
  } finally {
    state.close();
  }
}

/** The folders app.json lists; a file that cannot be read is said once and lists none. */
async function configuredFolders(stateRoot: string, io: CommandIo): Promise<FolderConfig[]> {
  try {
    return (await new AppConfigFile(stateRoot).read()).folders;
  } catch (error) {
    io.err(`The app's folder list was not read: ${(error as Error).message}`);
    return [];
  }
}

function rank(report: PairStatusReport, configured: FolderConfig[]): number {
  if (!report.inApp) return configured.length;
  const index = configured.findIndex((folder) => sameFolder(report, folder));
  return index === -1 ? configured.length : index;
}

function sameFolder(report: PairStatusReport, folder: FolderConfig): boolean {
  return report.folder === folder.folder && report.provider === folder.provider;
}

async function allPairFiles(stateRoot: string): Promise<string[]> {
  const directory = join(stateRoot, 'pairs');
  const entries = await readdir(directory).catch(() => [] as string[]);
  const files: string[] = [];
  for (const entry of entries.sort()) {
    const file = join(directory, entry, 'state.db');
    if (await exists(file)) files.push(file);
  }
  return files;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
