// Past 300 lines on purpose: the folder's side of a pair is one state (the stat cache's updates, and
// what is skipped or could not be read, kept current between scans by the watcher's hints); the
// walk, the hints and the not-synced facts themselves live beside it (folder-scan.ts, path-hints.ts,
// not-synced.ts).
import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../base/clock.js';
import type { EngineEvents } from './engine-events.js';
import type { EngineReporter } from './engine-reporter.js';
import { invalidNameError } from './scan/folder-walker.js';
import { mayBeUndecodable, undecodableNames } from './scan/undecodable-names.js';
import { scanFolder, skippedFinding, unreadableFinding, type ScanOutcome } from './folder-scan.js';
import { SCAN_FACTS, type ScanFinding } from './not-synced.js';
import { applyPathHints } from './path-hints.js';
import { remoteNamer } from './remote/remote-names.js';
import { IgnoreRules } from './scan/ignore-rules.js';
import type { PairState } from './state/pair-state.js';
import { SyncError, toSyncError } from './sync-error.js';

// More deletions than this in one scan are logged as one line, not one per file.
const DELETIONS_LISTED = 20;
// The pair facts holding what `hoist status` lists as left out: the entries skipped by design and
// those that could not be read (at the last scan, kept current by watcher hints), and the files that
// vanished mid-run (since this run began). How many of each are kept.
const LAST_SKIPPED = SCAN_FACTS.skipped;
const LAST_UNREADABLE = SCAN_FACTS.unreadable;
const RUN_VANISHED = 'runVanished';
const ENTRIES_KEPT = 1000;
// The pair fact naming the remote folder the stored remote names were computed with.
const APPLIED_REMOTE_FOLDER = 'appliedRemoteFolder';

export interface LocalChangesOptions {
  root: string;
  state: PairState;
  clock: Clock;
  reporter: EngineReporter;
  events: EngineEvents;
  needsSha256: boolean;
  /** Absolute paths inside the folder that are never synced (Hoist's own state dir). */
  ignoreAbsolutePaths: string[];
  /** The pair's remote folder as currently set. */
  remoteFolder: () => string;
}

/**
 * The local side of a pair: what changed in the folder (scans and watcher hints, both checked
 * against the stat cache), the ignore rules, the remote names files get (under the pair's remote
 * folder), and the conflicts between two local paths that would share one remote name.
 */
export class LocalChanges {
  private ignoreRules: IgnoreRules | null = null;
  /** Skipped entries already reported: each is said once, not at every scan. */
  private readonly reportedSkips = new Set<string>();
  /** What is skipped by design now, by path: the last scan's list, kept current by hints. */
  private skipped = new Map<string, ScanFinding>();
  /**
   * What could not be taken in, by path: the last scan's list, kept current by hints (names that are
   * not UTF-8); each is said once while it stays so.
   */
  private unreadable = new Map<string, ScanFinding>();
  /** Files seen by a scan that were gone before they could be uploaded, in this run. */
  private readonly vanishedInRun: Array<{ path: string; message: string }> = [];

  constructor(private readonly options: LocalChangesOptions) {}

  get rules(): IgnoreRules {
    if (this.ignoreRules === null) throw new Error('LocalChanges.load() has not run');
    return this.ignoreRules;
  }

  /** The naming rule of this pair: its remote folder, then the path, encoded (remote-names.ts). */
  get remoteName(): (path: string) => string {
    return remoteNamer(this.options.remoteFolder());
  }

  /** Recovery after a crash, the remote folder, the ignore rules: before the first scan. */
  async load(): Promise<void> {
    this.options.state.files.resetInterrupted();
    this.options.state.files.retryLocalProblemsNow(this.options.clock.now());
    this.vanishedInRun.length = 0;
    this.options.state.settings.setFact(RUN_VANISHED, null);
    this.applyRemoteFolder();
    this.ignoreRules = await IgnoreRules.load(this.options.root, {
      extraAbsolutePaths: this.options.ignoreAbsolutePaths,
    });
  }

  /**
   * Puts every file under the pair's current remote folder. Names in the DB follow the folder the
   * pair was last synced with, so a changed folder renames (and re-uploads) what is tracked.
   */
  applyRemoteFolder(): void {
    const { state, clock, reporter } = this.options;
    const folder = this.options.remoteFolder();
    if (folder === this.appliedRemoteFolder()) return;
    const moved = state.files.renameAll(this.remoteName, clock.now());
    state.settings.setFact(APPLIED_REMOTE_FOLDER, folder === '' ? null : folder);
    if (moved > 0) {
      const where = folder === '' ? 'the top of the remote' : `the remote folder “${folder}”`;
      reporter.report(
        'info',
        null,
        `${moved} file(s) will be uploaded to ${where}; their copies under the previous names stay on the remote until you delete them`,
      );
    }
  }

  remoteFolderChanged(): boolean {
    return this.options.remoteFolder() !== this.appliedRemoteFolder();
  }

  /** Compares the folder with the stat cache; null when the folder is not there to compare. */
  async scan(): Promise<ScanOutcome | null> {
    if (!(await this.folderPresent())) return null;
    const { state, clock } = this.options;
    let outcome: ScanOutcome;
    try {
      outcome = await scanFolder({
        root: this.options.root,
        rules: this.rules,
        files: state.files,
        now: clock.now(),
        needsSha256: this.options.needsSha256,
        remoteName: this.remoteName,
      });
    } catch (error) {
      this.noteScanFailure(error);
      return null;
    }
    this.reportDeletions(outcome.deleted);
    this.skipped = new Map();
    this.noteSkipped(outcome.skipped);
    this.noteUnreadable(outcome.unreadable);
    this.reevaluateConflicts();
    this.options.events.emit('changed', { local: true, remote: false });
    return outcome;
  }

  /**
   * Applies watcher hints (each path stat'ed, exactly as a scan would). A changed `.hoistignore`
   * reloads the rules; `onRulesChanged` then re-watches and rescans with them.
   */
  async applyHints(paths: readonly string[], onRulesChanged: () => Promise<void>): Promise<void> {
    try {
      if (paths.includes('.hoistignore') && (await this.rules.reload())) await onRulesChanged();
      const outcome = await applyPathHints(paths, {
        root: this.options.root,
        rules: this.rules,
        files: this.options.state.files,
        now: this.options.clock.now(),
        remoteName: this.remoteName,
      });
      this.reportDeletions(outcome.deleted);
      let noLongerSkipped = false;
      for (const path of outcome.notSkipped) noLongerSkipped = this.skipped.delete(path) || noLongerSkipped;
      if (noLongerSkipped || outcome.skipped.length > 0) {
        this.noteSkipped(outcome.skipped.map(({ path, what }) => skippedFinding(path, what)));
      }
      await this.recheckUndecodable(paths);
      await this.recheckFolders(paths, onRulesChanged);
      this.reevaluateConflicts();
      this.options.events.emit('changed', { local: true, remote: false });
    } catch (error) {
      this.noteScanFailure(error);
    }
  }

  noteScanFailure(error: unknown): void {
    const syncError = toSyncError(error);
    const { reporter } = this.options;
    if (syncError.reason === 'folder-missing') reporter.raiseProblem('folder-missing', syncError.toInfo());
    else
      reporter.report('warning', null, `Scanning the folder failed: ${syncError.message}`, syncError.detail);
  }

  /**
   * A file the scan saw that was gone before it could be uploaded (deleted mid-run): said once, and
   * listed in this run's summary and in `hoist status`.
   */
  noteVanished(path: string, message: string): void {
    this.options.reporter.report('deleted-locally', path, message);
    this.vanishedInRun.push({ path, message });
    this.storeList(RUN_VANISHED, this.vanishedInRun);
  }

  /** The files that vanished mid-run since this run began. */
  get vanished(): Array<{ path: string; message: string }> {
    return [...this.vanishedInRun];
  }

  /** Says once what is deliberately not synced, and keeps the current list for `status`. */
  private noteSkipped(skipped: readonly ScanFinding[]): void {
    for (const entry of skipped) {
      this.skipped.set(entry.path, entry);
      if (this.reportedSkips.has(entry.path)) continue;
      this.reportedSkips.add(entry.path);
      this.options.reporter.report('skipped', entry.path, entry.message);
    }
    this.storeList(LAST_SKIPPED, [...this.skipped.values()]);
  }

  /**
   * Says once what could not be read (a folder without permission, a name that is not UTF-8), not at
   * every rescan; said again only if it becomes readable and then unreadable again.
   */
  private noteUnreadable(unreadable: readonly ScanFinding[]): void {
    const previous = this.unreadable;
    this.unreadable = new Map(unreadable.map((entry) => [entry.path, entry]));
    for (const entry of unreadable) {
      if (!previous.has(entry.path)) this.reportUnreadable(entry);
    }
    this.storeList(LAST_UNREADABLE, unreadable);
  }

  private reportUnreadable(entry: ScanFinding): void {
    this.options.reporter.report('warning', entry.path, entry.message);
  }

  /**
   * A hint whose name was not UTF-8 arrives decoded lossily and names no file: its directory is
   * read again as bytes, so such a name is listed (and said) as soon as it appears, and dropped as
   * soon as it is renamed, as an upload would be started, not at the next full scan.
   */
  private async recheckUndecodable(paths: readonly string[]): Promise<void> {
    const directories = new Set(paths.filter(mayBeUndecodable).map(parentOf));
    if (directories.size === 0) return;
    let changed = false;
    for (const directory of directories) {
      const found = new Set(await undecodableNames(this.options.root, directory, this.rules));
      for (const [path, entry] of this.unreadable) {
        if (entry.reason === 'bad-name' && parentOf(path) === directory && !found.has(path)) {
          this.unreadable.delete(path);
          changed = true;
        }
      }
      for (const path of found) {
        if (this.unreadable.has(path)) continue;
        const entry = unreadableFinding(path, invalidNameError(path));
        this.unreadable.set(path, entry);
        this.reportUnreadable(entry);
        changed = true;
      }
    }
    if (changed) this.storeList(LAST_UNREADABLE, [...this.unreadable.values()]);
  }

  /**
   * A hinted folder (its permissions changed, or it just appeared) that cannot be listed is listed as
   * not synced at once, not at the next rescan; one that can be listed again is walked (`rescan`),
   * since nothing inside it could be seen meanwhile.
   */
  private async recheckFolders(paths: readonly string[], rescan: () => Promise<void>): Promise<void> {
    let changed = false;
    let reopened = false;
    for (const path of paths) {
      if (path === '' || mayBeUndecodable(path) || this.rules.ignores(path, true)) continue;
      const absolute = join(this.options.root, ...path.split('/'));
      const info = await lstat(absolute).catch(() => null);
      const listed = this.unreadable.get(path)?.reason === 'folder-unreadable';
      if (info === null || !info.isDirectory()) {
        if (listed) changed = this.unreadable.delete(path);
        continue;
      }
      const failure = await access(absolute, constants.R_OK | constants.X_OK).then(
        () => null,
        (error: NodeJS.ErrnoException) => error,
      );
      if (failure !== null && !listed) {
        // Worded as the walk words a folder it cannot list.
        const error = Object.assign(new Error(failure.message), { code: failure.code, syscall: 'scandir' });
        const entry = unreadableFinding(path, error);
        this.unreadable.set(path, entry);
        this.reportUnreadable(entry);
        changed = true;
      } else if (failure === null && listed) {
        this.unreadable.delete(path);
        changed = reopened = true;
      }
    }
    if (changed) this.storeList(LAST_UNREADABLE, [...this.unreadable.values()]);
    if (reopened) await rescan();
  }

  private storeList(
    name: typeof LAST_SKIPPED | typeof LAST_UNREADABLE | typeof RUN_VANISHED,
    entries: ReadonlyArray<{ path: string; message: string }>,
  ): void {
    const kept = entries.slice(0, ENTRIES_KEPT);
    this.options.state.settings.setFact(name, kept.length === 0 ? null : JSON.stringify(kept));
  }

  private appliedRemoteFolder(): string {
    return this.options.state.settings.fact(APPLIED_REMOTE_FOLDER) ?? '';
  }

  /** A missing folder is never "every file deleted": nothing changes until it is back. */
  private async folderPresent(): Promise<boolean> {
    const { root, reporter } = this.options;
    const present = await stat(root).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (present) {
      reporter.clearProblem('folder-missing');
      return true;
    }
    reporter.raiseProblem(
      'folder-missing',
      new SyncError(
        'local-file',
        `The folder ${root} is missing (deleted, renamed, or on a disk that is not mounted). Hoist changes nothing until it is back.`,
      ).toInfo(),
    );
    return false;
  }

  private reportDeletions(paths: readonly string[]): void {
    const { reporter } = this.options;
    // An emptied folder must not flood the log.
    if (paths.length > DELETIONS_LISTED) {
      reporter.report('deleted-locally', null, `${paths.length} files were deleted from the folder`);
      return;
    }
    for (const path of paths) reporter.report('deleted-locally', path, 'Deleted from the folder');
  }

  /** Same-name conflicts resolve when one of the paths goes away or is renamed: another look. */
  private reevaluateConflicts(): void {
    const { files } = this.options.state;
    for (const file of files.inState('conflict', Number.MAX_SAFE_INTEGER)) {
      if (file.conflictKind !== 'same-name') continue; // Those wait for the user or the remote.
      if (files.sharingRemoteName(file.remoteName, file.path).length === 0) {
        files.setState(file.path, file.md5 === null ? 'pending' : 'hashed', this.options.clock.now());
      }
    }
  }
}

function parentOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}
