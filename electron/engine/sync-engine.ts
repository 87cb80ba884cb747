import { lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ActivityKind,
  EngineState,
  FileSyncState,
  PairSettings,
  SyncErrorInfo,
  SyncStatus,
} from '../../shared/sync-types.js';
import { systemClock, type Clock } from './clock.js';
import { EngineEvents } from './engine-events.js';
import { scanFolder, type ScanOutcome } from './folder-scan.js';
import type { HasherPool } from './hash/hasher-pool.js';
import { hashFile, type HashOutcome } from './hash-file.js';
import { refreshMirror, type RefreshOutcome } from './mirror-refresh.js';
import { applyMirroredDeletions, type DeletionOutcome } from './mirrored-deletions.js';
import { effectiveRemoteName } from './remote/remote-names.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { RetryOptions } from './remote/retry.js';
import { watchFolder, type FolderWatcher, type WatchOptions } from './scan/folder-watcher.js';
import { IgnoreRules } from './scan/ignore-rules.js';
import type { LocalFile } from './state/local-files.js';
import { sameStat } from './state/local-files.js';
import type { PairState } from './state/pair-state.js';
import { SyncError, toSyncError } from './sync-error.js';
import { BandwidthLimiter } from './upload/bandwidth-limiter.js';
import { uploadFile, type UploadContext, type UploadOutcome } from './upload/file-uploader.js';
import { ProgressTracker } from './upload/progress-tracker.js';
import { WorkSignal } from './work-signal.js';

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
}

// Watcher events arriving within this window are handled together.
const HINT_BATCH_MS = 25;
const DEFAULT_SETTLE_MS = 150;
// Progress events are throttled to this interval; the final state is always emitted.
const PROGRESS_INTERVAL_MS = 250;
const SAFETY_RESCAN_MS = 60 * 60_000;

/**
 * The sync loop of one pair: scan or watch the folder, hash what changed in the worker pool, upload
 * what the remote lacks, mirror the remote list, apply deletions when asked. The DB is the truth:
 * every decision is recorded before the event announcing it, and after a crash `start` resumes from it.
 */
export class SyncEngine {
  readonly events = new EngineEvents();
  private readonly clock: Clock;
  private readonly state: PairState;
  private readonly provider: RemoteProvider;
  private readonly progress: ProgressTracker;
  private readonly limiter: BandwidthLimiter;
  private readonly workSignal = new WorkSignal();
  private readonly hashing = new Set<string>();
  private readonly uploading = new Set<string>();
  private readonly uploadingContent = new Set<string>();
  private readonly counted = new Set<string>();
  private readonly problems = new Map<string, SyncErrorInfo>();
  private readonly hints = new Set<string>();
  private settings: PairSettings;
  private rules: IgnoreRules | null = null;
  private watcher: FolderWatcher | null = null;
  private engineState: EngineState = 'starting';
  private controller = new AbortController();
  private paused = false;
  private stopped = false;
  private authFailed = false;
  private hashActive = false;
  private pumpPromise: Promise<void> | null = null;
  private pumpAgain = false;
  private uploadedSinceRefresh = 0;
  private confirmMassDeletion = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private hintTimer: NodeJS.Timeout | null = null;
  private safetyTimer: NodeJS.Timeout | null = null;
  private lastProgressAt = 0;
  private readonly session = { uploaded: 0, existing: 0, bytes: 0 };

  constructor(private readonly options: SyncEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.state = options.state;
    this.provider = options.provider;
    this.settings = { ...options.state.settings.read(), ...options.settings };
    this.progress = new ProgressTracker(() => this.clock.now());
    this.limiter = new BandwidthLimiter(this.settings.bandwidthLimit, this.clock);
  }

  get currentSettings(): PairSettings {
    return { ...this.settings };
  }

  /** Watch mode: recover, refresh, scan, then follow the watcher until `stop`. */
  async start(): Promise<void> {
    await this.prepare();
    const rules = this.rules as IgnoreRules;
    this.watcher = watchFolder(
      this.options.root,
      rules,
      {
        onHint: (path) => this.onHint(path),
        onRescan: (reason) => void this.rescan(reason).catch((error: unknown) => this.noteScanFailure(error)),
        onFallback: (error) => this.raiseProblem('watch', error.toInfo()),
      },
      { rescanIntervalMs: this.settings.refreshIntervalSeconds * 1000, ...this.options.watch },
    );
    await this.watcher.ready;
    await this.refresh().catch((error: unknown) => this.noteRefreshFailure(error));
    await this.scan();
    this.kick();
    this.scheduleRefresh();
    // inotify can overflow its queue in a huge burst without telling anyone: an occasional full rescan
    // (a walk and a stat per file, nothing read) catches whatever was missed.
    this.safetyTimer = setInterval(() => {
      if (!this.halted) void this.rescan('safety').catch((error: unknown) => this.noteScanFailure(error));
    }, SAFETY_RESCAN_MS);
    this.safetyTimer.unref();
  }

  /** `--once`: scan, upload everything pending, refresh the mirror, and say what is not synced. */
  async runOnce(): Promise<OnceSummary> {
    await this.prepare();
    await this.refresh().catch((error: unknown) => this.noteRefreshFailure(error));
    const scan = await this.scan();
    await this.drain();
    if (!this.authFailed && this.uploadedSinceRefresh > 0) {
      await this.refresh().catch((error: unknown) => this.noteRefreshFailure(error));
      // The refresh may have found copies the remote lost: upload those too.
      await this.drain();
    }
    const deletions = this.authFailed ? ({ kind: 'none' } as const) : await this.applyDeletions();
    this.setState(this.authFailed ? 'auth-failed' : 'idle');
    return {
      uploaded: this.session.uploaded,
      alreadyOnRemote: this.session.existing,
      bytesUploaded: this.session.bytes,
      scanned: scan?.filesSeen ?? 0,
      unsynced: this.unsyncedFiles(),
      problems: [...this.problems.values()],
      deletions,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt(new Error('stopped'));
    for (const timer of [this.wakeTimer, this.refreshTimer, this.hintTimer]) if (timer) clearTimeout(timer);
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
    if (wasHalted) this.controller = new AbortController();
    this.setState('idle');
    this.kick();
  }

  /** Rescan now and upload what is pending (the "Sync now" button). */
  async syncNow(): Promise<void> {
    if (this.paused) this.resume();
    await this.scan();
    this.kick();
    while (this.pumpPromise) await this.pumpPromise;
    if (!this.authFailed) await this.refresh().catch((error: unknown) => this.noteRefreshFailure(error));
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

  updateSettings(patch: Partial<PairSettings>): PairSettings {
    this.settings = { ...this.state.settings.write(patch), ...this.options.settings, ...patch };
    this.limiter.setLimit(this.settings.bandwidthLimit);
    this.kick();
    return this.currentSettings;
  }

  status(): SyncStatus {
    const lastSync = this.state.settings.fact('lastSyncAt');
    const lastRefresh = this.state.settings.fact('lastRemoteRefreshAt');
    return {
      state: this.engineState,
      folder: this.options.root,
      provider: this.provider.info.kind,
      remoteLabel: this.provider.info.label,
      counts: this.state.files.counts(),
      progress: this.progress.snapshot(),
      lastSyncAt: lastSync === null ? null : Number(lastSync),
      lastRemoteRefreshAt: lastRefresh === null ? null : Number(lastRefresh),
      problems: [...this.problems.values()],
      paused: this.paused,
    };
  }

  /** Refreshes the remote mirror (not while uploads run: a listing taken mid-batch is already stale). */
  async refresh(): Promise<RefreshOutcome> {
    const outcome = await refreshMirror(this.state, this.provider, this.clock, this.retryOptions());
    this.uploadedSinceRefresh = 0;
    this.problems.delete('refresh');
    for (const path of outcome.lost)
      this.report('info', path, 'Its copy disappeared from the remote; uploading it again');
    this.events.emit('changed', { local: outcome.lost.length > 0, remote: true });
    if (outcome.lost.length > 0) this.kick();
    return outcome;
  }

  // ---- start-up and scanning ----

  private async prepare(): Promise<void> {
    this.state.files.resetInterrupted();
    this.rules = await IgnoreRules.load(this.options.root, {
      extraAbsolutePaths: this.options.ignoreAbsolutePaths ?? [],
    });
    this.setState('scanning');
  }

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
      });
    } catch (error) {
      this.noteScanFailure(error);
      if (!this.pumpPromise) this.setState(this.restingState());
      return null;
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
    if (!this.pumpPromise) this.setState(this.restingState());
    return outcome;
  }

  private async rescan(_reason: string): Promise<void> {
    if (this.stopped) return;
    await this.scan();
    this.kick();
  }

  /** The ignore rules changed: re-watch (newly un-ignored folders) and rescan with the new rules. */
  private async reloadRules(): Promise<boolean> {
    if (!(await this.rules?.reload())) return false;
    await this.watcher?.refresh();
    await this.scan();
    return true;
  }

  private noteScanFailure(error: unknown): void {
    const syncError = toSyncError(error);
    if (syncError.reason === 'folder-missing') {
      this.raiseProblem('folder-missing', syncError.toInfo());
      return;
    }
    this.report('warning', null, `Scanning the folder failed: ${syncError.message}`, syncError.detail);
  }

  private reportDeletions(paths: readonly string[]): void {
    // A few lines per file, or one line for many: an emptied folder must not flood the log.
    if (paths.length > 20) {
      this.report('deleted-locally', null, `${paths.length} files were deleted from the folder`);
      return;
    }
    for (const path of paths) this.report('deleted-locally', path, 'Deleted from the folder');
  }

  /** A missing folder is never "every file deleted": nothing changes until it is back. */
  private async folderPresent(): Promise<boolean> {
    try {
      const info = await stat(this.options.root);
      if (!info.isDirectory()) throw new Error('not a directory');
      this.problems.delete('folder-missing');
      return true;
    } catch {
      this.raiseProblem(
        'folder-missing',
        new SyncError(
          'local-file',
          `The folder ${this.options.root} is missing (deleted, renamed, or on a disk that is not mounted). Hoist changes nothing until it is back.`,
        ).toInfo(),
      );
      return false;
    }
  }

  /** Conflicts resolve when one of the paths goes away or is renamed: give them another look. */
  private reevaluateConflicts(): void {
    for (const file of this.state.files.inState('conflict', Number.MAX_SAFE_INTEGER)) {
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

  /** Watcher events are hints: each path is stat'ed and compared with the stat cache. */
  private async processHints(): Promise<void> {
    try {
      await this.applyHints();
    } catch (error) {
      this.noteScanFailure(error);
    }
  }

  private async applyHints(): Promise<void> {
    const paths = [...this.hints];
    this.hints.clear();
    if (paths.includes('.hoistignore')) await this.reloadRules();
    const rules = this.rules as IgnoreRules;
    const now = this.clock.now();
    for (const path of paths) {
      if (rules.ignores(path, false)) continue;
      const info = await lstat(join(this.options.root, ...path.split('/'))).catch(() => null);
      const row = this.state.files.get(path);
      if (info === null || !info.isFile()) {
        if (row && row.state !== 'deleted' && this.state.files.markDeleted(path, now))
          this.reportDeletions([path]);
        continue;
      }
      const current = { size: info.size, mtimeMs: info.mtimeMs, inode: info.ino };
      if (row && row.state !== 'deleted' && sameStat(row, current)) continue;
      if (row && row.state === 'deleted' && sameStat(row, current) && this.state.files.restore(path, now))
        continue;
      this.state.files.markSeen(path, effectiveRemoteName(path), current, now);
    }
    this.reevaluateConflicts();
    this.events.emit('changed', { local: true, remote: false });
    this.kick();
  }

  // ---- the pump: hashing and uploading until the queues are empty ----

  private get halted(): boolean {
    return this.stopped || this.paused || this.authFailed;
  }

  private halt(reason: Error): void {
    this.controller.abort(reason);
    this.workSignal.notify();
  }

  private kick(): void {
    if (this.halted) return;
    if (this.pumpPromise) {
      this.pumpAgain = true;
      this.workSignal.notify();
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
      this.state.files.promoteDueRetries(this.clock.now());
      this.countQueuedFiles();
      await Promise.all([this.hashLoop(), this.uploadLoop()]);
    } while (this.pumpAgain && !this.halted);
    if (!this.halted && this.uploadedSinceRefresh > 0) {
      this.state.settings.setFact('lastSyncAt', String(this.clock.now()));
      // In watch mode each batch ends with a refresh; runOnce refreshes once at its end.
      if (this.watcher) await this.refresh().catch((error: unknown) => this.noteRefreshFailure(error));
    }
    if (!this.halted && this.watcher) await this.applyDeletions();
    this.progress.reset();
    this.counted.clear();
    this.emitProgress(true);
    this.scheduleWake();
    this.setState(this.restingState());
  }

  private async hashLoop(): Promise<void> {
    this.hashActive = true;
    const running = new Set<Promise<void>>();
    // Enough requests queued to keep every worker busy while results are recorded.
    const limit = Math.max(2, (this.options.hasher.size ?? 2) * 2);
    try {
      while (!this.halted) {
        const cutoff = this.clock.now() - (this.options.settleMs ?? DEFAULT_SETTLE_MS);
        const batch = this.state.files
          .pendingSettled(cutoff, limit * 2)
          .filter((file) => !this.hashing.has(file.path));
        if (batch.length === 0) {
          if (running.size === 0) break;
          await Promise.race(running);
          continue;
        }
        for (const file of batch) {
          while (running.size >= limit) await Promise.race(running);
          if (this.halted) break;
          this.hashing.add(file.path);
          this.countFile(file);
          const task: Promise<void> = this.hashOne(file).finally(() => {
            this.hashing.delete(file.path);
            running.delete(task);
            this.workSignal.notify();
          });
          running.add(task);
        }
      }
      await Promise.allSettled(running);
    } finally {
      this.hashActive = false;
      this.workSignal.notify();
    }
  }

  private async hashOne(file: LocalFile): Promise<void> {
    let outcome: HashOutcome;
    try {
      outcome = await hashFile(
        {
          root: this.options.root,
          files: this.state.files,
          hasher: this.options.hasher,
          needsSha256: this.provider.info.needsSha256,
          clock: this.clock,
          report: (kind, path, message, detail) => this.report(kind, path, message, detail),
        },
        file,
        this.controller.signal,
      );
    } catch (error) {
      if (this.halted) return;
      const syncError = toSyncError(error);
      this.report('failed', file.path, `Hashing failed: ${syncError.message}`, syncError.detail);
      this.state.files.setState(file.path, 'retrying', this.clock.now(), {
        message: syncError.message,
        category: 'local-file',
        retryAt: this.clock.now() + 60_000,
        attempts: file.attempts + 1,
      });
      outcome = 'unreadable';
    }
    if (outcome === 'unchanged-content' || outcome === 'deleted' || outcome === 'unreadable') {
      this.progress.finished(file.size);
    }
    this.emitProgress(false);
  }

  private async uploadLoop(): Promise<void> {
    const workers = Array.from({ length: Math.max(1, this.settings.concurrency) }, () => this.uploadWorker());
    await Promise.all(workers);
  }

  private async uploadWorker(): Promise<void> {
    while (!this.halted) {
      // Identical content waits for its twin in flight: the remote may then dedupe it (Open WebUI).
      const file = this.state.files
        .inState('hashed', 64)
        .find(
          (candidate) =>
            !this.uploading.has(candidate.path) && !this.uploadingContent.has(candidate.md5 ?? ''),
        );
      if (!file) {
        if (!this.hashActive) return;
        await this.workSignal.wait();
        continue;
      }
      this.uploading.add(file.path);
      if (file.md5 !== null) this.uploadingContent.add(file.md5);
      this.countFile(file);
      try {
        const outcome = await uploadFile(this.uploadContext(), file);
        this.afterUpload(file, outcome);
      } finally {
        this.uploading.delete(file.path);
        if (file.md5 !== null) this.uploadingContent.delete(file.md5);
        this.workSignal.notify();
      }
    }
  }

  private afterUpload(file: LocalFile, outcome: UploadOutcome): void {
    switch (outcome.kind) {
      case 'uploaded':
        this.session.uploaded++;
        this.session.bytes += outcome.bytes;
        this.uploadedSinceRefresh++;
        this.progress.finished(0);
        this.markOnline();
        break;
      case 'existing':
        this.session.existing++;
        this.uploadedSinceRefresh++;
        this.progress.finished(file.size);
        this.markOnline();
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

  private uploadContext(): UploadContext {
    return {
      root: this.options.root,
      provider: this.provider,
      files: this.state.files,
      mirror: this.state.mirror,
      clock: this.clock,
      limiter: this.limiter,
      progress: this.progress,
      retry: this.options.retry ?? {},
      report: (kind, path, message, detail) => this.report(kind, path, message, detail),
      onProgress: () => this.emitProgress(false),
      signal: this.controller.signal,
    };
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
      const settle = this.options.settleMs ?? DEFAULT_SETTLE_MS;
      await this.clock.sleep(Math.max(5, oldestPending + settle - this.clock.now()));
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

  private scheduleWake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (this.halted || !this.watcher) return;
    const candidates: number[] = [];
    const retryAt = this.state.files.nextRetryAt();
    if (retryAt !== null) candidates.push(retryAt);
    const pendingAt = this.state.files.oldestPendingAt();
    if (pendingAt !== null) candidates.push(pendingAt + (this.options.settleMs ?? DEFAULT_SETTLE_MS));
    if (candidates.length === 0) return;
    const delay = Math.max(5, Math.min(...candidates) - this.clock.now());
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.kick();
    }, delay);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (this.stopped) return;
      const run = this.halted || this.pumpPromise ? Promise.resolve() : this.refresh().then(() => undefined);
      void run
        .catch((error: unknown) => this.noteRefreshFailure(error))
        .finally(() => {
          if (!this.stopped) this.scheduleRefresh();
        });
    }, this.settings.refreshIntervalSeconds * 1000);
    this.refreshTimer.unref();
  }

  // ---- state, problems, progress ----

  private retryOptions(): RetryOptions {
    return { ...this.options.retry, signal: this.controller.signal };
  }

  private onAuthFailed(error: SyncError): void {
    if (this.authFailed) return;
    this.authFailed = true;
    this.raiseProblem('auth', error.toInfo());
    this.report('failed', null, error.message, error.detail);
    this.halt(error);
    this.setState('auth-failed');
  }

  private noteRefreshFailure(error: unknown): void {
    const syncError = toSyncError(error, 'network');
    if (syncError.category === 'auth') {
      this.onAuthFailed(syncError);
      return;
    }
    if (this.halted) return;
    this.raiseProblem('refresh', {
      ...syncError.toInfo(),
      message: `Could not refresh the list of remote files: ${syncError.message}`,
    });
  }

  private markOnline(): void {
    if (this.engineState === 'offline') this.setState('syncing');
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
    if (previous?.message !== problem.message) {
      this.report(
        problem.category === 'unsupported' ? 'info' : 'warning',
        problem.path ?? null,
        problem.message,
        problem.detail,
      );
      this.events.emit('problem', problem);
    }
  }

  private report(kind: ActivityKind, path: string | null, message: string, detail?: string): void {
    const entry = this.state.activity.add(kind, path, message, this.clock.now(), detail);
    this.events.emit('activity', entry);
  }

  /** Counts a file into the current batch's totals once, however often it passes through. */
  private countFile(file: LocalFile): void {
    if (this.counted.has(file.path)) return;
    this.counted.add(file.path);
    this.progress.queued(file.size);
  }

  private countQueuedFiles(): void {
    for (const state of ['pending', 'hashed'] as const) {
      for (const file of this.state.files.inState(state, Number.MAX_SAFE_INTEGER)) this.countFile(file);
    }
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
        unsynced.push({
          path: file.path,
          state,
          message:
            file.lastError ??
            (this.authFailed ? 'Not uploaded: the remote rejected the API token' : 'Not uploaded yet'),
        });
      }
    }
    return unsynced;
  }
}
