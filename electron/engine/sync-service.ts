import { checkPairSettingsPatch } from '../../shared/pair-settings-check.js';
import type {
  ActivityEntry,
  ConflictView,
  PairSettings,
  RemoteListPage,
  RemoteListQuery,
  SyncStatus,
} from '../../shared/sync-types.js';
import type {
  ActivityPage,
  ActivityQuery,
  RemoteBrowsePage,
  RemoteBrowseQuery,
  RemoteScope,
  RemoteSelection,
  RemoteSelectionSummary,
} from '../../shared/remote-browse.js';
import type { NotSyncedEntry } from '../../shared/not-synced.js';
import { listNotSynced } from './not-synced.js';
import {
  deleteInBatch,
  type DeletionBatchOptions,
  type DeletionBatchOutcome,
} from './remote-deletion-batch.js';
import type { ActivityPages } from './state/activity-page.js';
import type { BrowseRoot, RemoteBrowse } from './state/remote-browse.js';
import type { EngineEventMap } from './engine-events.js';
import type { DeletionOutcome } from './mirrored-deletions.js';
import type { RemoteDeleteResult } from './remote-deletion.js';
import type { PairState } from './state/pair-state.js';
import { SyncError } from './sync-error.js';
import type { OnceOptions, OnceSummary, SyncEngine } from './sync-engine.js';

/**
 * The one facade hosts use (CLI, desktop main, web host): typed commands over one pair's engine, and
 * its events. Reads come from the DB, never the network, so every host shows the same truth. What a
 * host passes in (settings, keys, queries) may come from a renderer: it is checked here.
 */
export class SyncService {
  private readonly browse: RemoteBrowse;
  private readonly activityPages: ActivityPages;

  constructor(
    private readonly engine: SyncEngine,
    private readonly state: PairState,
  ) {
    this.browse = state.browse;
    this.activityPages = state.activityPages;
  }

  /** Watch mode until `stop`. */
  start(): Promise<void> {
    return this.engine.start();
  }

  /** One pass: scan, upload what is pending, refresh, and report what is not synced. */
  runOnce(options: OnceOptions = {}): Promise<OnceSummary> {
    return this.engine.runOnce(options);
  }

  /** What the engine is waiting on the remote for right now ("list the files on Alloy (waiting 12 s)"). */
  waitingOn(limit?: number): string[] {
    return this.engine.waitingOn(limit);
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }

  status(): SyncStatus {
    return this.engine.status();
  }

  /** A page of the mirrored remote list: `search` matches the path, case-insensitively. */
  listRemote(query: RemoteListQuery = {}): RemoteListPage {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    if (!Number.isInteger(offset) || offset < 0) throw configError('offset must be a whole number ≥ 0');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw configError('limit must be 1 to 1000');
    return this.state.browse.page({ ...query, offset, limit });
  }

  /** Lists the remote again into the mirror (a remote that versions its listing answers cheaply). */
  async refreshRemote(): Promise<void> {
    await this.engine.refresh();
  }

  activity(limit = 100): ActivityEntry[] {
    return this.state.activity.recent(limit);
  }

  /** Pauses until `resume`, or until the time `until` (ms since the epoch) when given. */
  pause(until?: unknown): void {
    if (until !== undefined && until !== null && (typeof until !== 'number' || !Number.isFinite(until))) {
      throw configError('Pause until when? Give a time in milliseconds');
    }
    this.engine.pause(typeof until === 'number' ? until : null);
  }

  resume(): void {
    this.engine.resume();
  }

  syncNow(): Promise<void> {
    return this.engine.syncNow();
  }

  deleteRemote(keys: readonly string[]): Promise<RemoteDeleteResult[]> {
    if (keys.length === 0 || keys.some((key) => typeof key !== 'string' || key === '')) {
      return Promise.reject(configError('Which files? Give one or more keys'));
    }
    return this.engine.deleteRemote(keys);
  }

  /** Files that would overwrite what is not ours, with both sides. */
  conflicts(): ConflictView[] {
    return this.engine.conflicts();
  }

  /** Applies the user's choice for one conflict; returns what happens, in words. */
  resolveConflict(path: unknown, resolution: unknown): string {
    if (typeof path !== 'string' || path === '') throw configError('Which file? Give its path in the folder');
    if (resolution !== 'keep-both' && resolution !== 'replace' && resolution !== 'ignore') {
      throw configError('Choose keep-both, replace or ignore');
    }
    return this.engine.resolveConflict(path, resolution);
  }

  /** Keeps the remote copies of a held mass deletion; returns how many. */
  refuseDeletions(): number {
    return this.engine.refuseDeletions();
  }

  confirmDeletions(): Promise<DeletionOutcome> {
    return this.engine.confirmDeletions();
  }

  settings(): PairSettings {
    return this.engine.currentSettings;
  }

  /** Stores and applies a change; refuses (SyncError 'config') anything out of range or unknown. */
  async updateSettings(patch: unknown): Promise<PairSettings> {
    const parsed = await checkPairSettingsPatch(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'settings';
      throw configError(`Setting not changed: ${field} ${issue?.message ?? 'is not valid'}`);
    }
    return this.engine.updateSettings(parsed.data);
  }

  // ---- for the UI (issue 9): browse, selections, batch deletion, activity pages, unsynced files ----

  /**
   * What a view of the remote covers: this folder's remote folder (the default: what the folder puts
   * there, paths as under it), or the whole account its mirror holds (every folder's and other
   * clients' files, as last listed). `othersInside`: the remote folders of the app's other folders
   * on this remote inside this one's, whose files (those this folder did not put there) are theirs.
   */
  private rootOf(scope: RemoteScope, othersInside: readonly string[]): BrowseRoot {
    return scope === 'account'
      ? { kind: 'account' }
      : { kind: 'folder', remoteFolder: this.engine.currentSettings.remoteFolder, othersInside };
  }

  /** A page of the remote list filtered by origin, each row with its local file's state. */
  browseRemote(
    query: RemoteBrowseQuery,
    scope: RemoteScope = 'folder',
    othersInside: readonly string[] = [],
  ): RemoteBrowsePage {
    if (!Number.isInteger(query.offset) || query.offset < 0)
      throw configError('offset must be a whole number ≥ 0');
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000)
      throw configError('limit must be 1 to 1000');
    return this.browse.page(query, this.rootOf(scope, othersInside));
  }

  remoteSelectionSummary(
    selection: RemoteSelection,
    scope: RemoteScope = 'folder',
    othersInside: readonly string[] = [],
  ): RemoteSelectionSummary {
    return this.browse.summary(selection, this.rootOf(scope, othersInside));
  }

  /**
   * Deletes a selection (keys or a query) with bounded concurrency, cancellable, with progress. Only
   * within this folder's remote folder: the whole account is for looking (other folders' and other
   * clients' files are not this folder's to delete; a key outside it is left out, whatever is asked).
   */
  deleteRemoteSelection(
    selection: RemoteSelection,
    options: DeletionBatchOptions,
    othersInside: readonly string[] = [],
  ): Promise<DeletionBatchOutcome> {
    const keys = this.browse.keys(selection, this.rootOf('folder', othersInside));
    return deleteInBatch(
      keys,
      async (key) =>
        (await this.engine.deleteRemote([key]))[0] ?? { key, deleted: false, message: 'Not deleted' },
      options,
    );
  }

  activityPage(query: ActivityQuery): ActivityPage {
    if (!Number.isInteger(query.offset) || query.offset < 0)
      throw configError('offset must be a whole number ≥ 0');
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000)
      throw configError('limit must be 1 to 1000');
    return this.activityPages.page(query);
  }

  /** Everything that is not synced, each with its reason (not-synced.ts, the one definition). */
  unsyncedFiles(limit = 500): NotSyncedEntry[] {
    return listNotSynced(this.state, limit, this.engine.status().remoteLabel);
  }

  /** Applies an edited `.hoistignore` at once (see SyncEngine.applyIgnoreRules). */
  applyIgnoreRules(): Promise<void> {
    return this.engine.applyIgnoreRules();
  }

  /**
   * "Retry now" for an entry of the Not synced list: a failed or waiting file is hashed and uploaded
   * again at once; for what the walk could not take in (a name, a folder), the folder is looked at
   * again (Sync now's scan).
   */
  async retryFile(path: string): Promise<void> {
    const file = this.state.files.get(path);
    const listed = file === null && listNotSynced(this.state).some((entry) => entry.path === path);
    if (file === null && !listed) throw configError(`“${path}” is not in the folder any more`);
    if (file !== null && (file.state === 'failed' || file.state === 'retrying')) {
      this.state.files.requeueForHash(path, 0, Date.now());
      this.engine.events.emit('changed', { local: true, remote: false });
    }
    await this.engine.syncNow();
  }

  /** Listens to one of the engine's events; returns the function that stops listening. */
  on<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): () => void {
    const events = this.engine.events;
    // EventEmitter<EngineEventMap>'s listener type is a conditional type TypeScript cannot match to a
    // generic K; the map above is what it resolves to.
    const typed = listener as Parameters<typeof events.on<K>>[1];
    events.on(event, typed);
    return () => events.off(event, typed);
  }
}

function configError(message: string): SyncError {
  return new SyncError('config', message);
}
