import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import type {
  ActivityKind,
  ConflictResolution,
  ConflictView,
  EngineState,
  FileSyncState,
  PairSettings,
  SyncErrorInfo,
  SyncStatus,
} from '../../shared/sync-types.js';
import { systemClock, type Clock } from '../base/clock.js';
import { EngineEvents } from './engine-events.js';
import { scanFolder, type ScanOutcome } from './folder-scan.js';
import type { HasherPool } from './hash/hasher-pool.js';
import { refreshMirror, type RefreshOutcome } from './mirror-refresh.js';
import { applyMirroredDeletions, type DeletionOutcome } from './mirrored-deletions.js';
import { listConflicts, resolveConflict } from './conflict-resolution.js';
import { applyPathHints } from './path-hints.js';
import { remoteNamer } from './remote/remote-names.js';
import { deleteRemoteFiles, type RemoteDeleteResult } from './remote-deletion.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { RetryOptions } from './remote/retry.js';
import { watchFolder, type FolderWatcher, type WatchOptions } from './scan/folder-watcher.js';
import { IgnoreRules } from './scan/ignore-rules.js';
import type { LocalFile } from './state/local-files.js';
import type { PairState } from './state/pair-state.js';
import { SyncError, toSyncError } from './sync-error.js';
import { SyncPipeline } from './sync-pipeline.js';
import { BandwidthLimiter } from './upload/bandwidth-limiter.js';
import type { UploadOutcome } from './upload/file-uploader.js';
import { ProgressTracker } from './upload/progress-tracker.js';

export interface SyncEngineOptions {
  /** The folder, absolute. */
  root: string;
  state: PairState;
  provider: RemoteProvider;
  hasher: HasherPool;
  clock?: Clock;
  /** Absolute paths inside the folder that are never synced (Hoist's own state dir, if it is there). */
  ignoreAbsolutePaths?: string[];
  /** Overrides of the pair's stored settings for this run (command-line flags). */
  settings?: Partial<PairSettings>;
  retry?: Omit<RetryOptions, 'signal' | 'onRetry'>;
  /** A changed file waits this long without changing again before it is hashed. */
  settleMs?: number;
  watch?: WatchOptions;
  /** Watch mode: batches closer together than this share one full refresh. Default 30 s. */
  batchRefreshGapMs?: number;
}

/** What `runOnce` did, for `hoist sync --once` and tests. */
export interface OnceSummary {
  uploaded: number;
  alreadyOnRemote: number;
  bytesUploaded: number;
  scanned: number;
  /** Files that are not synced, each with its reason (failed, retrying, conflict). */
  unsynced: Array<{ path: string; state: FileSyncState; message: string }>;
  problems: SyncErrorInfo[];
  deletions: DeletionOutcome;
  /** Files not uploaded because they would overwrite what is not ours, with both sides. */
  conflicts: ConflictView[];
}

// Watcher events arriving within this window are handled together.
const HINT_BATCH_MS = 25;
const DEFAULT_SETTLE_MS = 150;
// Progress events are throttled to this interval; the final state is always emitted.
const PROGRESS_INTERVAL_MS = 250;
// inotify can overflow its queue in a huge burst without telling anyone: an occasional full rescan
// (a walk and a stat per file, nothing read) catches whatever was missed.
const SAFETY_RESCAN_MS = 60 * 60_000;
// Batches closer together than this share one full refresh (see pump).
const BATCH_REFRESH_GAP_MS = 30_000;
// The pair fact naming the remote folder the stored remote names were computed with.
const APPLIED_REMOTE_FOLDER = 'appliedRemoteFolder';
// More deletions than this in one scan are logged as one line, not one per file.
const DELETIONS_LISTED = 20;

/**
 * The sync loop of one pair: scan or watch the folder, hash what changed, upload what the remote
 * lacks (sync-pipeline.ts), mirror the remote list, apply deletions when asked. The DB is the truth:
 * every decision is recorded before the event announcing it, and after a crash `start` resumes from it.
 */
export class SyncEngine {
  readonly events = new EngineEvents();
  private readonly clock: Clock;
  private readonly state: PairState;
  private readonly provider: RemoteProvider;
  private readonly progress: ProgressTracker;
  private readonly limiter: BandwidthLimiter;
  private readonly pipeline: SyncPipeline;
  private readonly problems = new Map<string, SyncErrorInfo>();
  private readonly hints = new Set<string>();
  private readonly session = { uploaded: 0, existing: 0, bytes: 0 };
  private settings: PairSettings;
  private rules: IgnoreRules | null = null;
  private watcher: FolderWatcher | null = null;
  private engineState: EngineState = 'starting';
  private controller = runController();
  private paused = false;
  private lastRefreshAt = 0;
  private batchRefreshTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private authFailed = false;
  private pumpPromise: Promise<void> | null = null;
  private pumpAgain = false;
  private uploadedSinceRefresh = 0;
  private confirmMassDeletion = false;
  private lastProgressAt = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private hintTimer: NodeJS.Timeout | null = null;
  private safetyTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.state = options.state;
    this.provider = options.provider;
    this.settings = { ...options.state.settings.read(), ...options.settings };
    this.progress = new ProgressTracker(() => this.clock.now());
    this.limiter = new BandwidthLimiter(this.settings.bandwidthLimit, this.clock);
    this.pipeline = new SyncPipeline({
      root: options.root,
      state: options.state,
      provider: options.provider,
      hasher: options.hasher,
      clock: this.clock,
      limiter: this.limiter,
      progress: this.progress,
      settleMs: this.settleMs,
      retry: options.retry ?? {},
      settings: () => this.settings,
      signal: () => this.controller.signal,
      report: (kind, path, message, detail) => this.report(kind, path, message, detail),
      onUploadOutcome: (file, outcome) => this.afterUpload(file, outcome),
      onProgress: () => this.emitProgress(false),
    });
  }

  get currentSettings(): PairSettings {
    return { ...this.settings };
  }

  /** Watch mode: recover, refresh, scan, then follow the watcher until `stop`. */
  async start(): Promise<void> {
    await this.prepare();
    this.watcher = watchFolder(
      this.options.root,
      this.rules as IgnoreRules,
      {
        onHint: (path) => this.onHint(path),
        onRescan: () => void this.rescan(),
        onFallback: (error) => this.raiseProblem('watch', error.toInfo()),
      },
      { rescanIntervalMs: this.settings.refreshIntervalSeconds * 1000, ...this.options.watch },
    );
    await this.watcher.ready;
    // Independent: the remote's list and the folder's files are both needed before uploading.
    await Promise.all([this.refreshQuietly(), this.scan()]);
    this.kick();
    this.scheduleRefresh();
    this.safetyTimer = setInterval(() => void this.rescan(), SAFETY_RESCAN_MS);
    this.safetyTimer.unref();
  }

  /** `--once`: scan, upload everything pending, refresh the mirror, and say what is not synced. */
  async runOnce(): Promise<OnceSummary> {
    await this.prepare();
    // Independent, so overlapped: listing waits on the remote, scanning on the disk.
    const [, scan] = await Promise.all([this.refreshQuietly(), this.scan()]);
    await this.drain();
    if (!this.authFailed && this.uploadedSinceRefresh > 0) {
      await this.refreshQuietly();
      // The refresh may have found copies the remote lost: upload those too.
      await this.drain();
    }
    const deletions = this.authFailed ? ({ kind: 'none' } as const) : await this.applyDeletions();
    this.setState(this.restingState());
    return {
      uploaded: this.session.uploaded,
      alreadyOnRemote: this.session.existing,
      bytesUploaded: this.session.bytes,
      scanned: scan?.filesSeen ?? 0,
      unsynced: this.unsyncedFiles(),
      problems: [...this.problems.values()],
      deletions,
      conflicts: listConflicts(this.state).filter((conflict) => !conflict.ignored),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt(new Error('stopped'));
    for (const timer of [this.wakeTimer, this.refreshTimer, this.hintTimer, this.batchRefreshTimer]) {
      if (timer) clearTimeout(timer);
    }
    if (this.safetyTimer) clearInterval(this.safetyTimer);
    await this.watcher?.close();
    while (this.pumpPromise) await this.pumpPromise;
    this.setState('stopped');
  }

  pause(): void {
    if (this.paused || this.stopped) return;
    this.paused = true;
    this.halt(new Error('paused'));
    this.setState('paused');
  }

  resume(): void {
    if (this.stopped) return;
    const wasHalted = this.paused || this.authFailed;
    this.paused = false;
    if (this.authFailed) {
      this.authFailed = false;
      this.problems.delete('auth');
    }
    if (wasHalted) this.controller = runController();
    this.setState('idle');
    this.kick();
  }

  /**
   * Rescan now and upload what is pending (the "Sync now" button); resolves once nothing is left
   * that can be done now, files still being written included.
   */
  async syncNow(): Promise<void> {
    if (this.paused) this.resume();
    await this.scan();
    await this.drain();
    if (!this.authFailed) await this.refreshQuietly();
  }

  /** Applies a mass deletion the guard refused, once the user confirmed it. */
  async confirmDeletions(): Promise<DeletionOutcome> {
    this.confirmMassDeletion = true;
    try {
      return await this.applyDeletions();
    } finally {
      this.confirmMassDeletion = false;
    }
  }

  /**
   * Deletes remote files on the user's request. A file still in the folder is queued to upload again
   * (the folder is the source of truth); in watch mode that starts at once.
   */
  async deleteRemote(keys: readonly string[]): Promise<RemoteDeleteResult[]> {
    const results = await deleteRemoteFiles(keys, this.state, this.provider, () => this.clock.now());
    this.events.emit('changed', { local: true, remote: true });
    if (this.watcher !== null) this.kick();
    return results;
  }

  /**
   * Reads `.hoistignore` again now, instead of when the watcher reports its change: a host that just
   * wrote it (delete from the remote and ignore in one step) must not race an upload of a file the
   * new rules leave out.
   */
  async applyIgnoreRules(): Promise<void> {
    if (this.rules === null || !(await this.rules.reload())) return;
    await this.watcher?.refresh();
    await this.scan();
    this.events.emit('changed', { local: true, remote: false });
  }

  /** Files in conflict with both sides (ignored ones too, marked). */
  conflicts(): ConflictView[] {
    return listConflicts(this.state);
  }

  /** The user's choice for a conflict; the file is uploaded (or left) by the next pass. */
  resolveConflict(path: string, resolution: ConflictResolution): string {
    const message = resolveConflict(this.state, path, resolution, this.clock.now(), this.remoteName);
    this.report('info', path, message);
    this.events.emit('changed', { local: true, remote: false });
    if (this.watcher !== null) this.kick();
    return message;
  }

  updateSettings(patch: Partial<PairSettings>): PairSettings {
    this.settings = { ...this.state.settings.write(patch), ...this.options.settings, ...patch };
    this.limiter.setLimit(this.settings.bandwidthLimit);
    if (this.settings.remoteFolder !== this.appliedRemoteFolder()) void this.moveToRemoteFolder();
    else this.kick();
    return this.currentSettings;
  }

  status(): SyncStatus {
    const time = (name: string): number | null => {
      const value = this.state.settings.fact(name);
      return value === null ? null : Number(value);
    };
    return {
      state: this.engineState,
      folder: this.options.root,
      provider: this.provider.info.kind,
      remoteLabel: this.provider.info.label,
      counts: this.state.files.counts(),
      progress: this.progress.snapshot(),
      lastSyncAt: time('lastSyncAt'),
      lastRemoteRefreshAt: time('lastRemoteRefreshAt'),
      problems: [...this.problems].map(([id, problem]) => ({ ...problem, id })),
      paused: this.paused,
    };
  }

  /** Refreshes the remote mirror (callers make sure no uploads run: a listing taken mid-batch is stale). */
  async refresh(): Promise<RefreshOutcome> {
    this.lastRefreshAt = this.clock.now();
    const outcome = await refreshMirror(this.state, this.provider, this.clock, this.retryOptions());
    this.uploadedSinceRefresh = 0;
    this.problems.delete('refresh');
    for (const path of outcome.lost)
      this.report('info', path, 'Its copy disappeared from the remote; uploading it again');
    for (const path of outcome.replaced) {
      this.report('conflict', path, this.state.files.get(path)?.lastError ?? 'Replaced on the remote');
    }
    for (const path of outcome.released)
      this.report('info', path, 'The remote file it was in conflict with is gone; uploading it');
    const requeued = outcome.lost.length + outcome.released.length;
    this.events.emit('changed', {
      local: requeued + outcome.replaced.length > 0,
      remote: !outcome.unchanged,
    });
    if (requeued > 0) this.kick();
    return outcome;
  }

  // ---- scanning and hints ----

  private get settleMs(): number {
    return this.options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /** The naming rule of this pair: its remote folder, then the path, encoded (remote-names.ts). */
  private get remoteName(): (path: string) => string {
    return remoteNamer(this.settings.remoteFolder);
  }

  private appliedRemoteFolder(): string {
    return this.state.settings.fact(APPLIED_REMOTE_FOLDER) ?? '';
  }

  /**
   * Puts every file under the pair's current remote folder. Names in the DB follow the folder the
   * pair was last synced with, so a changed folder renames (and re-uploads) what is tracked.
   */
  private applyRemoteFolder(): void {
    const folder = this.settings.remoteFolder;
    if (folder === this.appliedRemoteFolder()) return;
    const moved = this.state.files.renameAll(this.remoteName, this.clock.now());
    this.state.settings.setFact(APPLIED_REMOTE_FOLDER, folder === '' ? null : folder);
    if (moved > 0) {
      const where = folder === '' ? 'the top of the remote' : `the remote folder “${folder}”`;
      this.report(
        'info',
        null,
        `${moved} file(s) will be uploaded to ${where}; their copies under the previous names stay on the remote until you delete them`,
      );
    }
  }

  /** A remote folder changed while running: let in-flight uploads stop, rename, and go on. */
  private async moveToRemoteFolder(): Promise<void> {
    const wasRunning = !this.halted;
    this.halt(new Error('remote folder changed'));
    while (this.pumpPromise) await this.pumpPromise;
    this.applyRemoteFolder();
    if (wasRunning && !this.stopped) {
      this.controller = runController();
      this.kick();
    }
  }

  private async prepare(): Promise<void> {
    this.state.files.resetInterrupted();
    this.applyRemoteFolder();
    this.rules = await IgnoreRules.load(this.options.root, {
      extraAbsolutePaths: this.options.ignoreAbsolutePaths ?? [],
    });
    this.setState('scanning');
  }

  /** Compares the folder with the stat cache; null when the folder is not there to compare. */
  private async scan(): Promise<ScanOutcome | null> {
    if (!(await this.folderPresent())) return null;
    this.setState('scanning');
    let outcome: ScanOutcome;
    try {
      outcome = await scanFolder({
        root: this.options.root,
        rules: this.rules as IgnoreRules,
        files: this.state.files,
        now: this.clock.now(),
        needsSha256: this.provider.info.needsSha256,
        remoteName: this.remoteName,
      });
    } catch (error) {
      this.noteScanFailure(error);
      return null;
    } finally {
      if (!this.pumpPromise) this.setState(this.restingState());
    }
    this.reportDeletions(outcome.deleted);
    for (const entry of outcome.unreadable) {
      this.report(
        'warning',
        entry.path,
        `Cannot read this folder entry; it is left as it was: ${entry.message}`,
      );
    }
    this.reevaluateConflicts();
    this.events.emit('changed', { local: true, remote: false });
    return outcome;
  }

  private async rescan(): Promise<void> {
    if (this.stopped || this.halted) return;
    try {
      await this.scan();
      this.kick();
    } catch (error) {
      this.noteScanFailure(error);
    }
  }

  private noteScanFailure(error: unknown): void {
    const syncError = toSyncError(error);
    if (syncError.reason === 'folder-missing') this.raiseProblem('folder-missing', syncError.toInfo());
    else this.report('warning', null, `Scanning the folder failed: ${syncError.message}`, syncError.detail);
  }

  /** A missing folder is never "every file deleted": nothing changes until it is back. */
  private async folderPresent(): Promise<boolean> {
    const present = await stat(this.options.root).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (present) {
      this.problems.delete('folder-missing');
      return true;
    }
    this.raiseProblem(
      'folder-missing',
      new SyncError(
        'local-file',
        `The folder ${this.options.root} is missing (deleted, renamed, or on a disk that is not mounted). Hoist changes nothing until it is back.`,
      ).toInfo(),
    );
    return false;
  }

  private reportDeletions(paths: readonly string[]): void {
    // An emptied folder must not flood the log.
    if (paths.length > DELETIONS_LISTED) {
      this.report('deleted-locally', null, `${paths.length} files were deleted from the folder`);
      return;
    }
    for (const path of paths) this.report('deleted-locally', path, 'Deleted from the folder');
  }

  /** Conflicts resolve when one of the paths goes away or is renamed: give them another look. */
  private reevaluateConflicts(): void {
    for (const file of this.state.files.inState('conflict', Number.MAX_SAFE_INTEGER)) {
      if (file.conflictKind !== 'same-name') continue; // Those wait for the user or the remote.
      if (this.state.files.sharingRemoteName(file.remoteName, file.path).length === 0) {
        this.state.files.setState(file.path, file.md5 === null ? 'pending' : 'hashed', this.clock.now());
      }
    }
  }

  private onHint(path: string): void {
    if (this.stopped) return;
    this.hints.add(path);
    this.hintTimer ??= setTimeout(() => {
      this.hintTimer = null;
      void this.processHints();
    }, HINT_BATCH_MS);
  }

  private async processHints(): Promise<void> {
    const paths = [...this.hints];
    this.hints.clear();
    try {
      // New ignore rules: re-watch (newly un-ignored folders) and rescan with them.
      if (paths.includes('.hoistignore') && (await this.rules?.reload())) {
        await this.watcher?.refresh();
        await this.scan();
      }
      const deleted = await applyPathHints(paths, {
        root: this.options.root,
        rules: this.rules as IgnoreRules,
        files: this.state.files,
        now: this.clock.now(),
        remoteName: this.remoteName,
      });
      this.reportDeletions(deleted);
      this.reevaluateConflicts();
      this.events.emit('changed', { local: true, remote: false });
      this.kick();
    } catch (error) {
      this.noteScanFailure(error);
    }
  }

  // ---- the pump: runs the pipeline until nothing is left to do now ----

  private get halted(): boolean {
    return this.stopped || this.paused || this.authFailed;
  }

  private halt(reason: Error): void {
    this.controller.abort(reason);
    this.pipeline.notify();
  }

  private kick(): void {
    if (this.halted) return;
    if (this.pumpPromise) {
      this.pumpAgain = true;
      this.pipeline.notify();
      return;
    }
    this.pumpPromise = this.pump()
      .catch((error: unknown) => {
        const syncError = toSyncError(error, 'network');
        this.report('warning', null, `Sync stopped unexpectedly: ${syncError.message}`, syncError.detail);
      })
      .finally(() => {
        this.pumpPromise = null;
        if (this.pumpAgain && !this.halted) this.kick();
      });
  }

  private async pump(): Promise<void> {
    this.setState('syncing');
    do {
      this.pumpAgain = false;
      await this.pipeline.run();
    } while (this.pumpAgain && !this.halted);
    if (!this.halted && this.uploadedSinceRefresh > 0) {
      this.state.settings.setFact('lastSyncAt', String(this.clock.now()));
      // In watch mode each batch ends with a refresh (runOnce refreshes once at its end), but not
      // more often than every BATCH_REFRESH_GAP_MS: a full listing costs a 100,000-file pair ~3 s of
      // CPU and ~180 MB of peak memory, and the mirror already holds every upload (upsertOne), so
      // a file saved every few seconds must not relist the whole remote each time.
      if (this.watcher) {
        const due = this.lastRefreshAt + (this.options.batchRefreshGapMs ?? BATCH_REFRESH_GAP_MS);
        if (this.clock.now() >= due) await this.refreshQuietly();
        else this.scheduleBatchRefresh(due);
      }
    }
    if (!this.halted && this.watcher) await this.applyDeletions();
    // The batch's last figures (all done), then the empty ones of no batch.
    this.emitProgress(true);
    this.progress.reset();
    this.pipeline.endBatch();
    this.emitProgress(true);
    this.scheduleWake();
    this.setState(this.restingState());
  }

  private afterUpload(file: LocalFile, outcome: UploadOutcome): void {
    switch (outcome.kind) {
      case 'uploaded':
      case 'existing':
        if (outcome.kind === 'uploaded') {
          this.session.uploaded++;
          this.session.bytes += outcome.bytes;
          this.progress.finished(0);
        } else {
          this.session.existing++;
          this.progress.finished(file.size);
        }
        this.uploadedSinceRefresh++;
        if (this.engineState === 'offline') this.setState('syncing');
        break;
      case 'auth-failed':
        this.onAuthFailed(outcome.error);
        break;
      case 'retrying':
        this.progress.finished(file.size);
        if (outcome.error.category === 'network') this.setState('offline');
        break;
      case 'deleted':
      case 'conflict':
      case 'failed':
        this.progress.finished(file.size);
        break;
      case 'requeued':
      case 'aborted':
        break;
    }
    this.events.emit('changed', {
      local: true,
      remote: outcome.kind === 'uploaded' || outcome.kind === 'existing',
    });
    this.emitProgress(false);
  }

  /** Runs the pump until nothing is left that can be done now; waits for files still settling. */
  private async drain(): Promise<void> {
    for (;;) {
      this.kick();
      while (this.pumpPromise) await this.pumpPromise;
      if (this.halted) return;
      if (this.state.files.inState('hashed', 1).length > 0) continue;
      const oldestPending = this.state.files.oldestPendingAt();
      if (oldestPending === null) return;
      await this.clock.sleep(Math.max(5, oldestPending + this.settleMs - this.clock.now()));
    }
  }

  private async applyDeletions(): Promise<DeletionOutcome> {
    if (!this.settings.mirrorDeletions) return { kind: 'none' };
    try {
      const outcome = await applyMirroredDeletions({
        state: this.state,
        provider: this.provider,
        retry: this.retryOptions(),
        now: () => this.clock.now(),
        confirmMassDeletion: this.confirmMassDeletion,
        report: (kind, path, message, detail) => this.report(kind, path, message, detail),
      });
      if (outcome.kind === 'refused-mass-deletion') this.raiseProblem('mass-deletion', outcome.problem);
      else if (outcome.kind === 'unsupported') this.raiseProblem('deletion-unsupported', outcome.problem);
      else this.problems.delete('mass-deletion');
      if (outcome.kind === 'applied') this.events.emit('changed', { local: true, remote: true });
      return outcome;
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth') this.onAuthFailed(syncError);
      return { kind: 'applied', deleted: 0, failed: 1 };
    }
  }

  // ---- timers ----

  /** Wakes the pump when the next retry is due or a settling file has settled (watch mode). */
  private scheduleWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (this.halted || !this.watcher) return;
    const candidates: number[] = [];
    const retryAt = this.state.files.nextRetryAt();
    if (retryAt !== null) candidates.push(retryAt);
    const pendingAt = this.state.files.oldestPendingAt();
    if (pendingAt !== null) candidates.push(pendingAt + this.settleMs);
    if (candidates.length === 0) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.kick();
      },
      Math.max(5, Math.min(...candidates) - this.clock.now()),
    );
  }

  /** The deferred end-of-batch refresh; a batch still running when it is due refreshes at its end. */
  private scheduleBatchRefresh(at: number): void {
    if (this.batchRefreshTimer) return;
    this.batchRefreshTimer = setTimeout(
      () => {
        this.batchRefreshTimer = null;
        if (this.halted || this.pumpPromise) return;
        void this.refreshQuietly();
      },
      Math.max(0, at - this.clock.now()),
    );
    this.batchRefreshTimer.unref();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (this.stopped) return;
      const run = this.halted || this.pumpPromise ? Promise.resolve() : this.refreshQuietly();
      void run.finally(() => {
        if (!this.stopped) this.scheduleRefresh();
      });
    }, this.settings.refreshIntervalSeconds * 1000);
    this.refreshTimer.unref();
  }

  // ---- state, problems, progress ----

  private retryOptions(): RetryOptions {
    return { ...this.options.retry, signal: this.controller.signal };
  }

  /** Refreshes the mirror, turning a failure into a problem (or an auth stop) instead of a throw. */
  private async refreshQuietly(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth') this.onAuthFailed(syncError);
      else if (!this.halted) {
        this.raiseProblem('refresh', {
          ...syncError.toInfo(),
          message: `Could not refresh the list of remote files: ${syncError.message}`,
        });
      }
    }
  }

  private onAuthFailed(error: SyncError): void {
    if (this.authFailed) return;
    this.authFailed = true;
    this.raiseProblem('auth', error.toInfo());
    this.halt(error);
    this.setState('auth-failed');
  }

  private restingState(): EngineState {
    if (this.stopped) return 'stopped';
    if (this.authFailed) return 'auth-failed';
    if (this.paused) return 'paused';
    if (this.engineState === 'offline') return 'offline';
    return 'idle';
  }

  private setState(next: EngineState): void {
    if (this.engineState === next) return;
    this.engineState = next;
    this.events.emit('state', next);
  }

  private raiseProblem(id: string, problem: SyncErrorInfo): void {
    const previous = this.problems.get(id);
    this.problems.set(id, problem);
    if (previous?.message === problem.message) return;
    const kind =
      problem.category === 'unsupported' ? 'info' : problem.category === 'auth' ? 'failed' : 'warning';
    this.report(kind, problem.path ?? null, problem.message, problem.detail);
    this.events.emit('problem', { ...problem, id });
  }

  private report(kind: ActivityKind, path: string | null, message: string, detail?: string): void {
    const entry = this.state.activity.add(kind, path, message, this.clock.now(), detail);
    this.events.emit('activity', entry);
  }

  private emitProgress(force: boolean): void {
    const now = this.clock.now();
    if (!force && now - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.lastProgressAt = now;
    this.events.emit('progress', this.progress.snapshot());
  }

  private unsyncedFiles(): OnceSummary['unsynced'] {
    const unsynced: OnceSummary['unsynced'] = [];
    for (const state of ['failed', 'retrying', 'conflict', 'pending', 'hashed', 'uploading'] as const) {
      for (const file of this.state.files.inState(state, Number.MAX_SAFE_INTEGER)) {
        const fallback = this.authFailed
          ? 'Not uploaded: the remote rejected the API token'
          : 'Not uploaded yet';
        unsynced.push({ path: file.path, state, message: file.lastError ?? fallback });
      }
    }
    return unsynced;
  }
}

/**
 * The controller of one run, whose signal every request, hash and backoff of the run listens to
 * (each removes its listener when it settles). Several per upload, times the upload concurrency,
 * passes Node's default warning threshold of 10 without any leak, so the threshold is raised.
 */
function runController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  return controller;
}
