// Past 300 lines on purpose: this is the pair's lifecycle (start, once, stop, pause) and the pump
// that runs the pipeline, which share one run state; the parts with seams of their own live beside
// it: local-changes.ts (the folder), engine-reporter.ts (activity, problems, state), engine-timers.ts
// (every timer), run-control.ts (the run state and its signal), sync-pipeline.ts (hash + upload).
import type {
  ConflictResolution,
  ConflictView,
  PairSettings,
  SyncErrorInfo,
  SyncStatus,
} from '../../shared/sync-types.js';
import { systemClock, type Clock } from '../base/clock.js';
import { listConflicts, resolveConflict } from './conflict-resolution.js';
import { EngineEvents } from './engine-events.js';
import { EngineReporter } from './engine-reporter.js';
import { BackgroundWork } from './background-work.js';
import { EngineTimers } from './engine-timers.js';
import type { HasherPool } from './hash/hasher-pool.js';
import { LocalChanges } from './local-changes.js';
import { refreshMirror, type RefreshOutcome } from './mirror-refresh.js';
import { applyMirroredDeletions, refuseHeldDeletions, type DeletionOutcome } from './mirrored-deletions.js';
import { RunTally, type OnceSummary } from './once-summary.js';
import { deleteRemoteFiles, type RemoteDeleteResult } from './remote-deletion.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import { commitBeforeRemoteChanges } from './commit-before-remote.js';
import type { RetryOptions } from './remote/retry.js';
import { describePauseEnd } from '../../shared/pause-choice.js';
import { runController, unusableRemote, type RunState } from './run-control.js';
import { settingsChangeLine } from './settings-change-words.js';
import { watchFolder, type FolderWatcher, type WatchOptions } from './scan/folder-watcher.js';
import type { LocalFile } from './state/local-files.js';
import type { PairState } from './state/pair-state.js';
import { readStoredStatus } from './stored-status.js';
import { toSyncError, type SyncError } from './sync-error.js';
import { SyncPipeline } from './sync-pipeline.js';
import { BandwidthLimiter } from './upload/bandwidth-limiter.js';
import { bothByteGates, type SharedUploadBudget } from './upload/upload-budget.js';
import type { UploadOutcome } from './upload/file-uploader.js';
import { ProgressTracker } from './upload/progress-tracker.js';
import { UnlistedUploads } from './unlisted-uploads.js';
import { WaitTracker } from './wait-tracker.js';

export type { OnceSummary } from './once-summary.js';

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
  /** The remote's address as people know it, for messages ("http://127.0.0.1:8080"). */
  remoteUrl?: string;
  /** The user confirmed ahead that a held mass deletion may go ahead (`--confirm-deletions`). */
  confirmMassDeletion?: boolean;
  /** One file's upload is set aside after this long without a byte accepted. Default 5 minutes. */
  fileBudgetMs?: number;
  /** The part size multipart uploads ask for (EngineContext.multipartPartBytes). */
  multipartPartBytes?: number;
  /** Watch mode: while the remote still processes a file, it is listed again after this long. Default 10 s. */
  processingRecheckMs?: number;
  /** The app-wide upload budget this pair shares with the app's other folders (its own stays too). */
  budget?: SharedUploadBudget;
}

/** How a `--once` run is bounded. */
export interface OnceOptions {
  /** The run stops (as by `stop`) after this long and says what it was waiting on. Default none. */
  timeLimitMs?: number;
}

// Watcher events arriving within this window are handled together.
const HINT_BATCH_MS = 25;
const DEFAULT_SETTLE_MS = 150;
// inotify can overflow its queue in a huge burst without telling anyone: an occasional full rescan
// (a walk and a stat per file, nothing read) catches whatever was missed.
const SAFETY_RESCAN_MS = 60 * 60_000;
// Batches closer together than this share one full refresh (see pump).
const BATCH_REFRESH_GAP_MS = 30_000;
// The first listing of a --once run: attempts and the largest backoff, so a remote that is down ends
// the run in a few seconds.
const PREFLIGHT_ATTEMPTS = 3;
const PREFLIGHT_MAX_DELAY_MS = 2_000;
// While Open WebUI still processes a file, a listing this much later shows how it went: a person
// waits seconds for "Ready for AI", not the refresh interval (minutes); one cheap listing per step.
const PROCESSING_RECHECK_MS = 10_000;
// A file's upload goes on retrying for at most this long without a byte accepted (issue 11).
const DEFAULT_FILE_BUDGET_MS = 5 * 60_000;

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
  private readonly reporter: EngineReporter;
  private readonly timers: EngineTimers;
  private readonly background: BackgroundWork;
  private readonly local: LocalChanges;
  private readonly progress: ProgressTracker;
  private readonly limiter: BandwidthLimiter;
  private readonly pipeline: SyncPipeline;
  private readonly hints = new Set<string>();
  private readonly tally = new RunTally();
  private readonly unlisted = new UnlistedUploads();
  private readonly waits: WaitTracker;
  private settings: PairSettings;
  private watcher: FolderWatcher | null = null;
  private run: RunState = { kind: 'running' };
  private controller = runController();
  private lastRefreshAt = 0;
  private pumpPromise: Promise<void> | null = null;
  private starting: Promise<void> | null = null;
  private pumpAgain = false;
  private uploadedSinceRefresh = 0;
  private confirmMassDeletion: boolean;
  /** "Sync now" while paused: the pass under way, which pauses again at its end (see syncNow). */
  private oncePass: { until: number | null } | null = null;
  /** The next wait before listing again while a file is still processed (scheduleProcessingRecheck). */
  private processingRecheckMs: number;

  constructor(private readonly options: SyncEngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.state = options.state;
    // The engine's writes are committed in groups, and so each change it makes on the remote waits
    // for what it wrote before to be committed (commit-before-remote.ts, state/group-commit.ts).
    this.state.groupCommits();
    this.provider = commitBeforeRemoteChanges(options.provider, this.state);
    this.settings = { ...options.state.settings.read(), ...options.settings };
    this.confirmMassDeletion = options.confirmMassDeletion ?? false;
    this.processingRecheckMs = options.processingRecheckMs ?? PROCESSING_RECHECK_MS;
    this.reporter = new EngineReporter(this.state, this.events, this.clock);
    // After a microtask: the listener is called from inside the failing DB call.
    this.state.onFailure((failure) => queueMicrotask(() => this.onStateFailed(failure)));
    this.waits = new WaitTracker(() => this.clock.now());
    this.timers = new EngineTimers(this.clock);
    this.background = new BackgroundWork((error) => this.reportUnexpected(error));
    this.local = new LocalChanges({
      root: options.root,
      state: this.state,
      clock: this.clock,
      reporter: this.reporter,
      events: this.events,
      needsSha256: this.provider.info.needsSha256,
      ignoreAbsolutePaths: options.ignoreAbsolutePaths ?? [],
      remoteFolder: () => this.settings.remoteFolder,
    });
    this.progress = new ProgressTracker(() => this.clock.now());
    this.limiter = new BandwidthLimiter(this.settings.bandwidthLimit, this.clock);
    this.pipeline = new SyncPipeline({
      root: options.root,
      state: options.state,
      provider: this.provider,
      hasher: options.hasher,
      clock: this.clock,
      limiter: options.budget ? bothByteGates(this.limiter, options.budget.bytes) : this.limiter,
      ...(options.budget ? { sharedSlots: options.budget.slots } : {}),
      progress: this.progress,
      settleMs: this.settleMs,
      retry: options.retry ?? {},
      fileBudgetMs: options.fileBudgetMs ?? DEFAULT_FILE_BUDGET_MS,
      ...(options.multipartPartBytes !== undefined ? { multipartPartBytes: options.multipartPartBytes } : {}),
      waits: this.waits,
      settings: () => this.settings,
      signal: () => this.controller.signal,
      report: (kind, path, message, detail) => this.reporter.report(kind, path, message, detail),
      vanished: (path, message) => this.local.noteVanished(path, message),
      onUploadOutcome: (file, outcome) => this.afterUpload(file, outcome),
      onProgress: () => this.emitProgress(false),
    });
  }

  get currentSettings(): PairSettings {
    return { ...this.settings };
  }

  /** Watch mode: recover, refresh, scan, then follow the watcher until `stop`. */
  async start(): Promise<void> {
    const starting = this.startWatching();
    // `stop` waits for it: a start still loading or scanning writes to the state DB, closed after stop.
    this.starting = starting.catch(() => undefined);
    try {
      await starting;
    } catch (error) {
      throw this.state.failure ?? error;
    }
  }

  private async startWatching(): Promise<void> {
    await this.prepare();
    // Stopped meanwhile: nothing more may start (a watcher or a timer made now would outlive stop).
    if (this.ended) return;
    this.watcher = watchFolder(
      this.options.root,
      this.local.rules,
      {
        onHint: (path) => this.onHint(path),
        onRescan: () => this.background.start(() => this.rescan()),
        onFallback: (error) => this.reporter.raiseProblem('watch', error.toInfo()),
      },
      {
        rescanIntervalMs: this.settings.refreshIntervalSeconds * 1000,
        clock: this.clock,
        ...this.options.watch,
      },
    );
    await this.watcher.ready;
    if (this.ended) return;
    // Independent: the remote's list and the folder's files are both needed before uploading.
    await Promise.all([this.refreshQuietly(), this.scan()]);
    if (this.ended) return;
    this.kick();
    this.scheduleRefresh();
    this.timers.every('safety-rescan', SAFETY_RESCAN_MS, () => this.background.start(() => this.rescan()));
  }

  /**
   * `--once`: scan, upload everything pending, refresh the mirror, and say what is not synced. The
   * first listing is also the check that the remote is there and speaks its API: if it is not, the
   * run ends at once with that one problem (`remoteUnusable`) instead of failing file by file. `stop`
   * ends it promptly: uploads in flight are aborted and go back to the queue; so does the time limit,
   * which also records what the run was still waiting on (`timeLimit`).
   */
  async runOnce(options: OnceOptions = {}): Promise<OnceSummary> {
    let timeLimit: OnceSummary['timeLimit'] = null;
    const { timeLimitMs } = options;
    const limitTimer =
      timeLimitMs === undefined
        ? null
        : this.clock.setTimeout(() => {
            if (this.ended) return;
            timeLimit = { limitMs: timeLimitMs, waitingOn: this.waits.describe() };
            void this.stop();
          }, timeLimitMs);
    try {
      const summary = await this.runOnceUnbounded();
      // A run that ended has its record on disk, for whoever looks next (`hoist status`).
      this.state.commitNow();
      return { ...summary, timeLimit };
    } catch (error) {
      // A step that met the failing state DB first: the worded failure, not SQLite's bare words.
      throw this.state.failure ?? error;
    } finally {
      limitTimer?.cancel();
    }
  }

  private async runOnceUnbounded(): Promise<Omit<OnceSummary, 'timeLimit'>> {
    await this.prepare();
    // Independent, so overlapped: listing waits on the remote, scanning on the disk.
    const [remoteUnusable, scan] = await Promise.all([this.checkRemote(), this.scan()]);
    if (remoteUnusable === null && !this.ended) {
      await this.drain();
      // Listed again only when something was stored and the mirror is no longer exactly the listing
      // the remote tagged at the start (our uploads drop its version). Bytes we sent are listed again
      // for the remote's own date of each new copy, the baseline that shows a later replacement; a
      // run that only found its files already there (their listed rows kept) lists once.
      if (!this.halted && this.uploadedSinceRefresh > 0 && this.state.mirror.listingVersion() === null) {
        await this.refreshQuietly();
        // The refresh may have found copies the remote lost: upload those too.
        await this.drain();
      }
    }
    const skipDeletions = this.halted || remoteUnusable !== null;
    const deletions = skipDeletions ? ({ kind: 'none' } as const) : await this.applyDeletions();
    this.reporter.setState(this.restingState());
    return {
      remoteUnusable,
      stateFailure: this.state.failure?.toInfo() ?? null,
      stopped: this.run.kind === 'stopped',
      skipped: scan?.skipped ?? [],
      vanished: this.local.vanished,
      unreadable: scan?.unreadable ?? [],
      ...this.tally.counts,
      scanned: scan?.filesSeen ?? 0,
      unsynced: this.unsyncedFiles(),
      problems: this.reporter.currentProblems,
      deletions,
      conflicts: listConflicts(this.state).filter((conflict) => !conflict.ignored),
    };
  }

  async stop(): Promise<void> {
    this.run = { kind: 'stopped' };
    this.halt(new Error('stopped'));
    this.timers.cancelAll();
    await this.starting;
    await this.watcher?.close();
    // Scans, refreshes and hints still running write to the state DB, which is closed after this.
    await this.background.close();
    while (this.pumpPromise) await this.pumpPromise;
    this.reporter.setState('stopped');
    // Stopped is at rest: what it wrote is on disk for other processes (`hoist status`) at once.
    this.state.commitNow();
  }

  /** Holds every upload until `resume`, or until `until` (a time) when given; said in the activity log. */
  pause(until: number | null = null): void {
    if (this.ended) return;
    this.oncePass = null;
    this.holdPaused(until);
    this.reporter.report('info', null, `Paused ${describePauseEnd(until, this.clock.now())}`);
  }

  /** Syncing again, asked for (`Resume`) or at the end of a timed pause; said in the activity log. */
  resume(why: 'asked' | 'pause-ended' = 'asked'): void {
    if (this.ended) return;
    const wasPaused = this.run.kind === 'paused' || this.oncePass !== null;
    this.oncePass = null;
    this.runAgain();
    if (wasPaused)
      this.reporter.report('info', null, why === 'asked' ? 'Resumed' : 'The pause ended; syncing again');
  }

  /**
   * Rescan now and upload what is pending (the "Sync now" button); resolves once nothing is left
   * that can be done now, files still being written included. While paused it is one pass and the
   * pause stays (never ended without being asked): `resume` first to end it.
   */
  async syncNow(): Promise<void> {
    if (this.run.kind === 'paused') return this.passWhilePaused(this.run.until);
    await this.scan();
    await this.drain();
    if (this.run.kind !== 'auth-failed') await this.refreshQuietly();
  }

  /** One pass while paused: runs as if resumed, then holds again as it was, unless resumed or paused meanwhile. */
  private async passWhilePaused(until: number | null): Promise<void> {
    const pass = { until };
    this.oncePass = pass;
    this.runAgain();
    try {
      await this.scan();
      await this.drain();
      if (this.run.kind !== 'auth-failed') await this.refreshQuietly();
    } finally {
      if (this.oncePass === pass && this.run.kind === 'running') {
        this.oncePass = null;
        const ended = until !== null && until <= this.clock.now();
        if (ended)
          this.reporter.report('info', null, 'Synced once; the pause ended meanwhile, so syncing goes on');
        else {
          this.holdPaused(until);
          this.reporter.report(
            'info',
            null,
            `Synced once; still paused ${describePauseEnd(until, this.clock.now())}`,
          );
        }
      }
    }
  }

  private holdPaused(until: number | null): void {
    if (this.run.kind !== 'paused') this.halt(new Error('paused'));
    this.run = { kind: 'paused', until };
    if (until === null) this.timers.cancel('pause-ends');
    else this.timers.once('pause-ends', until - this.clock.now(), () => this.resume('pause-ended'));
    this.reporter.setState('paused');
  }

  private runAgain(): void {
    const wasHalted = this.run.kind !== 'running';
    if (this.run.kind === 'auth-failed') this.reporter.clearProblem('auth');
    this.run = { kind: 'running' };
    this.timers.cancel('pause-ends');
    if (wasHalted) this.controller = runController();
    this.reporter.setState('idle');
    this.kick();
  }

  /** The user refused a held mass deletion: those remote copies are kept. Returns how many. */
  refuseDeletions(): number {
    const kept = refuseHeldDeletions(this.state);
    this.reporter.clearProblem('mass-deletion');
    if (kept > 0) {
      this.reporter.report(
        'info',
        null,
        `Kept the remote copies of ${kept} file(s) that disappeared from the folder`,
      );
    }
    this.events.emit('changed', { local: true, remote: false });
    this.kick();
    return kept;
  }

  /** Applies a mass deletion the guard refused, once the user confirmed it. */
  async confirmDeletions(): Promise<DeletionOutcome> {
    const before = this.confirmMassDeletion;
    this.confirmMassDeletion = true;
    try {
      return await this.applyDeletions();
    } finally {
      this.confirmMassDeletion = before;
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
    let rules;
    try {
      rules = this.local.rules;
    } catch {
      return; // Not started yet: start loads the rules as they are now.
    }
    if (!(await rules.reload())) return;
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
    const message = resolveConflict(this.state, path, resolution, this.clock.now(), this.local.remoteName);
    this.reporter.report('info', path, message);
    this.events.emit('changed', { local: true, remote: false });
    if (this.watcher !== null) this.kick();
    return message;
  }

  updateSettings(patch: Partial<PairSettings>): PairSettings {
    const before = this.settings;
    const interval = this.settings.refreshIntervalSeconds;
    this.settings = { ...this.state.settings.write(patch), ...this.options.settings, ...patch };
    const changed = settingsChangeLine(before, this.settings);
    if (changed !== null) this.reporter.report('info', null, changed);
    this.limiter.setLimit(this.settings.bandwidthLimit);
    // A new interval counts from now: the timer set for the old one (5 minutes by default) would
    // otherwise leave the remote list that stale once more before the new one applies.
    if (this.watcher && this.settings.refreshIntervalSeconds !== interval && this.run.kind !== 'stopped')
      this.scheduleRefresh();
    if (this.local.remoteFolderChanged()) this.background.start(() => this.moveToRemoteFolder());
    else this.kick();
    return this.currentSettings;
  }

  /** What the engine is waiting on the remote for right now, one line each, the longest first. */
  waitingOn(limit?: number): string[] {
    return this.waits.describe(limit);
  }

  status(): SyncStatus {
    const stored = readStoredStatus(this.state, { notSyncedLimit: 0, countRemote: false });
    return {
      state: this.reporter.state,
      folder: this.options.root,
      provider: this.provider.info.kind,
      remoteLabel: this.provider.info.label,
      counts: stored.counts,
      notSynced: stored.notSyncedCounts,
      progress: this.progress.snapshot(),
      lastSyncAt: stored.lastSyncAt,
      lastRemoteRefreshAt: stored.lastRemoteRefreshAt,
      problems: this.reporter.currentProblems,
      // A pass while paused ("Sync now", staying paused) is still a pause to the person.
      paused: this.run.kind === 'paused' || this.oncePass !== null,
      pausedUntil: this.run.kind === 'paused' ? this.run.until : (this.oncePass?.until ?? null),
    };
  }

  /** Refreshes the remote mirror (callers make sure no uploads run: a listing taken mid-batch is stale). */
  async refresh(retry: RetryOptions = this.retryOptions()): Promise<RefreshOutcome> {
    this.lastRefreshAt = this.clock.now();
    const label = this.provider.info.label;
    const wait = this.waits.begin(`list the files on ${label}`);
    const shouldShow = this.unlisted.take();
    let outcome: RefreshOutcome;
    try {
      outcome = await refreshMirror(this.state, this.provider, this.clock, {
        ...retry,
        onRetry: (error, attempt, delayMs) => {
          wait.failed(error.message);
          retry.onRetry?.(error, attempt, delayMs);
        },
      });
    } catch (error) {
      this.unlisted.restore(shouldShow);
      throw error;
    } finally {
      wait.end();
    }
    this.reporter.clearProblem('remote');
    this.uploadedSinceRefresh = 0;
    this.reporter.clearProblem('refresh');
    const reporter = this.reporter;
    const unlisted = this.unlisted.setAside(
      this.state,
      outcome.lost,
      shouldShow,
      label,
      this.clock.now(),
      (kind, path, message) => reporter.report(kind, path, message),
    );
    for (const path of unlisted) this.tally.notConfirmed(path);
    for (const path of outcome.lost.filter((lost) => !shouldShow.has(lost)))
      reporter.report('info', path, 'Its copy disappeared from the remote; uploading it again');
    for (const path of outcome.replaced) {
      reporter.report('conflict', path, this.state.files.get(path)?.lastError ?? 'Replaced on the remote');
    }
    for (const path of outcome.released)
      reporter.report('info', path, 'The remote file it was in conflict with is gone; uploading it');
    const requeued = outcome.lost.length - unlisted.length + outcome.released.length;
    this.events.emit('changed', {
      local: requeued + outcome.replaced.length > 0,
      remote: !outcome.unchanged,
    });
    if (requeued > 0) this.kick();
    this.scheduleProcessingRecheck();
    return outcome;
  }

  // ---- the folder ----

  private get settleMs(): number {
    return this.options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  private async prepare(): Promise<void> {
    await this.local.load();
    this.reporter.setState('scanning');
  }

  private async scan(): Promise<Awaited<ReturnType<LocalChanges['scan']>>> {
    this.reporter.setState('scanning');
    try {
      return await this.local.scan();
    } finally {
      if (!this.pumpPromise) this.reporter.setState(this.restingState());
    }
  }

  private async rescan(): Promise<void> {
    if (this.halted) return;
    await this.scan();
    this.kick();
  }

  private onHint(path: string): void {
    if (this.ended) return;
    this.hints.add(path);
    if (this.timers.has('hints')) return;
    this.timers.once('hints', HINT_BATCH_MS, () => {
      const paths = [...this.hints];
      this.hints.clear();
      // New ignore rules: re-watch (newly un-ignored folders) and rescan with them.
      this.background.start(async () => {
        await this.local.applyHints(paths, async () => {
          await this.watcher?.refresh();
          await this.scan();
        });
        this.kick();
      });
    });
  }

  /** A remote folder changed while running: let in-flight uploads stop, rename, and go on. */
  private async moveToRemoteFolder(): Promise<void> {
    const wasRunning = !this.halted;
    this.halt(new Error('remote folder changed'));
    while (this.pumpPromise) await this.pumpPromise;
    this.local.applyRemoteFolder();
    if (wasRunning && this.run.kind === 'running') {
      this.controller = runController();
      this.kick();
    }
  }

  // ---- the pump: runs the pipeline until nothing is left to do now ----

  /** Stopped for good: asked to, or the state DB failed. */
  private get ended(): boolean {
    return this.run.kind === 'stopped' || this.run.kind === 'state-failed';
  }

  private get halted(): boolean {
    return this.run.kind !== 'running';
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
      .catch((error: unknown) => this.reportUnexpected(error))
      .finally(() => {
        this.pumpPromise = null;
        if (this.pumpAgain && !this.halted) this.kick();
      });
  }

  private async pump(): Promise<void> {
    this.reporter.setState('syncing');
    let round = 0;
    do {
      this.pumpAgain = false;
      // Deletions are work beside uploads: applied between rounds too, so a queue kept busy by churn
      // or a flaky remote does not hold them back (they used to wait for an empty queue). Not before
      // the first round, so a renamed file's new copy goes up before its old one is removed.
      if (round++ > 0 && this.watcher && !this.halted) await this.applyDeletions();
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
        else if (!this.timers.has('batch-refresh')) {
          // The deferred end-of-batch refresh; a batch still running when it is due refreshes at its end.
          this.timers.once(
            'batch-refresh',
            due - this.clock.now(),
            () => {
              if (!this.halted && !this.pumpPromise) this.background.start(() => this.refreshQuietly());
            },
            true,
          );
        }
      }
    }
    if (!this.halted && this.watcher) await this.applyDeletions();
    // New uploads to a remote that processes them are pending: look again soon, not in 30 s.
    this.scheduleProcessingRecheck();
    // The batch's last figures (all done), then the empty ones of no batch.
    this.emitProgress(true);
    this.progress.reset();
    this.pipeline.endBatch();
    this.emitProgress(true);
    this.scheduleWake();
    this.reporter.setState(this.restingState());
  }

  private afterUpload(file: LocalFile, outcome: UploadOutcome): void {
    switch (outcome.kind) {
      case 'uploaded':
      case 'existing':
        if (outcome.kind === 'uploaded') {
          this.tally.uploadedFile(file.path, outcome.bytes);
          this.progress.finished(0);
        } else {
          this.tally.foundOnRemote(file.path);
          this.progress.finished(file.size);
        }
        this.unlisted.confirm(file.path);
        this.uploadedSinceRefresh++;
        if (this.reporter.state === 'offline') this.reporter.setState('syncing');
        break;
      case 'auth-failed':
        this.onAuthFailed(outcome.error);
        break;
      case 'retrying':
        this.progress.finished(file.size);
        if (outcome.error.category === 'network') this.reporter.setState('offline');
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
      await this.clock
        .sleep(Math.max(5, oldestPending + this.settleMs - this.clock.now()), this.controller.signal)
        .catch(() => undefined);
    }
  }

  private async applyDeletions(): Promise<DeletionOutcome> {
    if (!this.settings.mirrorDeletions) return { kind: 'none' };
    const wait = this.waits.begin(`delete files on ${this.provider.info.label}`);
    try {
      const outcome = await applyMirroredDeletions({
        state: this.state,
        provider: this.provider,
        retry: this.retryOptions(),
        now: () => this.clock.now(),
        confirmMassDeletion: this.confirmMassDeletion,
        report: (kind, path, message, detail) => this.reporter.report(kind, path, message, detail),
      });
      if (outcome.kind === 'refused-mass-deletion')
        this.reporter.raiseProblem('mass-deletion', outcome.problem);
      else if (outcome.kind === 'unsupported')
        this.reporter.raiseProblem('deletion-unsupported', outcome.problem);
      else this.reporter.clearProblem('mass-deletion');
      if (outcome.kind === 'applied') this.events.emit('changed', { local: true, remote: true });
      return outcome;
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth') this.onAuthFailed(syncError);
      return { kind: 'applied', deleted: 0, failed: 1 };
    } finally {
      wait.end();
    }
  }

  // ---- timers ----

  /** Wakes the pump when the next retry is due or a settling file has settled (watch mode). */
  private scheduleWake(): void {
    this.timers.cancel('wake');
    if (this.halted || !this.watcher) return;
    const candidates: number[] = [];
    const retryAt = this.state.files.nextRetryAt();
    if (retryAt !== null) candidates.push(retryAt);
    const pendingAt = this.state.files.oldestPendingAt();
    if (pendingAt !== null) candidates.push(pendingAt + this.settleMs);
    if (candidates.length === 0) return;
    this.timers.once('wake', Math.max(5, Math.min(...candidates) - this.clock.now()), () => this.kick());
  }

  /**
   * Watch mode: lists again soon while the remote still processes a file (see PROCESSING_RECHECK_MS),
   * twice as late each time the same wait did not end it, up to the refresh interval: a file stuck
   * `pending` on the remote must not cost a full listing every few seconds for ever.
   */
  private scheduleProcessingRecheck(): void {
    if (!this.watcher || this.run.kind === 'stopped') return;
    const base = this.options.processingRecheckMs ?? PROCESSING_RECHECK_MS;
    if (!this.state.mirror.hasPendingProcessing()) {
      this.processingRecheckMs = base;
      return;
    }
    if (this.timers.has('processing-recheck')) return;
    const delay = this.processingRecheckMs;
    this.processingRecheckMs = Math.min(
      delay * 2,
      Math.max(base, this.settings.refreshIntervalSeconds * 1000),
    );
    this.timers.once(
      'processing-recheck',
      delay,
      () => {
        if (!this.halted && !this.pumpPromise) this.background.start(() => this.refreshQuietly());
        // A batch is running: it refreshes at its end, which schedules the next check.
        else this.scheduleProcessingRecheck();
      },
      true,
    );
  }

  private scheduleRefresh(): void {
    this.timers.once(
      'refresh',
      this.settings.refreshIntervalSeconds * 1000,
      () => {
        if (this.ended) return;
        this.background.start(async () => {
          try {
            if (!this.halted && !this.pumpPromise) await this.refreshQuietly();
          } finally {
            if (!this.ended) this.scheduleRefresh();
          }
        });
      },
      true,
    );
  }

  // ---- the remote, problems, progress ----

  private retryOptions(): RetryOptions {
    return { ...this.options.retry, signal: this.controller.signal, clock: this.clock };
  }

  /**
   * The first contact of a `--once` run: one listing with a short retry budget (a remote that is down
   * should not hold the run for minutes, and one that stalls is not waited out a second time). Null
   * when it worked; else the problem that ends the run.
   */
  private async checkRemote(): Promise<SyncErrorInfo | null> {
    const quick: RetryOptions = {
      ...this.retryOptions(),
      attempts: Math.min(this.options.retry?.attempts ?? PREFLIGHT_ATTEMPTS, PREFLIGHT_ATTEMPTS),
      maxDelayMs: Math.min(this.options.retry?.maxDelayMs ?? PREFLIGHT_MAX_DELAY_MS, PREFLIGHT_MAX_DELAY_MS),
      stallAttempts: 1,
    };
    try {
      await this.refresh(quick);
      return null;
    } catch (error) {
      if (this.ended) return null;
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth') {
        this.onAuthFailed(syncError);
        return syncError.toInfo();
      }
      const problem = unusableRemote(syncError, this.provider.info.label, this.options.remoteUrl);
      this.reporter.raiseProblem('remote', problem);
      return problem;
    }
  }

  /** A step that failed where no failure was expected: said in the activity log, never thrown away. */
  private reportUnexpected(error: unknown): void {
    const syncError = toSyncError(error, 'network');
    this.reporter.report(
      'warning',
      null,
      `Sync stopped unexpectedly: ${syncError.message}`,
      syncError.detail,
    );
  }

  /** Refreshes the mirror, turning a failure into a problem (or an auth stop) instead of a throw. */
  private async refreshQuietly(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      const syncError = toSyncError(error, 'network');
      if (syncError.category === 'auth') this.onAuthFailed(syncError);
      else if (!this.halted) {
        this.reporter.raiseProblem('refresh', {
          ...syncError.toInfo(),
          message: `Could not refresh the list of remote files: ${syncError.message}`,
        });
      }
    }
  }

  /**
   * Any SQLite error on the state DB ends the run (PairState.onFailure): deciding uploads and
   * deletions on a state that may no longer be the truth could upload twice or delete what is kept.
   */
  private onStateFailed(failure: SyncError): void {
    if (this.ended) return;
    this.run = { kind: 'state-failed', error: failure };
    this.halt(failure);
    this.timers.cancelAll();
    this.reporter.raiseProblem('state', failure.toInfo());
    this.reporter.setState('stopped');
  }

  private onAuthFailed(error: SyncError): void {
    if (this.run.kind === 'auth-failed' || this.ended) return;
    this.run = { kind: 'auth-failed', error };
    this.reporter.raiseProblem('auth', error.toInfo());
    this.halt(error);
    this.reporter.setState('auth-failed');
  }

  private restingState(): SyncStatus['state'] {
    switch (this.run.kind) {
      case 'stopped':
      case 'state-failed':
        return 'stopped';
      case 'auth-failed':
        return 'auth-failed';
      case 'paused':
        return 'paused';
      case 'running':
        return this.reporter.state === 'offline' ? 'offline' : 'idle';
    }
  }

  private emitProgress(force: boolean): void {
    this.reporter.progress(() => this.progress.snapshot(), force);
  }

  /**
   * The files this run leaves not synced: the tracked ones of not-synced.ts (the one definition the
   * window, the tray and `hoist status` count; conflicts the user chose to leave are not a failure of
   * the run), then whatever is still queued when the run ended early. The walk's findings are in the
   * summary's own `unreadable` and `skipped`.
   */
  private unsyncedFiles(): OnceSummary['unsynced'] {
    const fallback =
      this.run.kind === 'auth-failed'
        ? 'Not uploaded: the remote rejected the API token'
        : 'Not uploaded yet';
    const files = this.state.files;
    const notSynced = files.notSynced(Number.MAX_SAFE_INTEGER).filter((file) => file.state !== 'ignored');
    const queued = (['pending', 'hashed', 'uploading'] as const).flatMap((state) =>
      files.inState(state, Number.MAX_SAFE_INTEGER),
    );
    return [...notSynced, ...queued].map((file) => ({
      path: file.path,
      state: file.state,
      message: file.lastError ?? fallback,
    }));
  }
}
