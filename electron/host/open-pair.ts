import { checkPairSettingsPatch } from '../../shared/pair-settings-check.js';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PairSettings, ProviderKind } from '../../shared/sync-types.js';
import { HasherPool, INLINE_HASH_BYTES } from '../engine/hash/hasher-pool.js';
import type { RemoteProvider } from '../engine/remote/remote-provider.js';
import type { RetryOptions } from '../engine/remote/retry.js';
import type { PairState } from '../engine/state/pair-state.js';
import { SyncEngine, type SyncEngineOptions } from '../engine/sync-engine.js';
import { SyncError } from '../engine/sync-error.js';
import { SyncService } from '../engine/sync-service.js';
import { openCheckedPairState } from './checked-pair-state.js';
import { checkFolderToSync } from './folder-guard.js';
import { refuseLargeFolderUnlessConfirmed } from './large-folder.js';
import { acquirePairLock } from './pair-lock.js';
import { pairDirectory, pairId, pairStateFile } from './pair-location.js';
import { connectRemote, type RemoteConnection } from './remote-connection.js';
import { remoteIdentityOf, type RemoteIdentity } from './remote-identity.js';
import { siblingPairs, type SiblingPair } from './sibling-pairs.js';
import type { EmbeddedRemoteThread } from './embedded-remote.js';
import type { MachineResources } from './machine-resources.js';
import { growHeapSlowly } from '../base/node-memory-flags.js';

/** What names a pair and how to reach its remote: the same for the CLI, the web host and Electron. */
export interface PairConfig {
  /** The folder, absolute and resolved through symlinks. */
  folder: string;
  provider: ProviderKind;
  /** The remote's URL; for `local` without one, the embedded remote runs in this process. */
  remote?: string | undefined;
  /** Hoist's data root (pair state, the embedded remote's files). */
  stateRoot: string;
  token?: string | undefined;
  /** Settings for this run only (command-line flags): validated like settings from the UI. */
  overrides?: unknown;
  /** Settings to store with the pair (e.g. `--remote-folder`): validated the same way. */
  store?: unknown;
  /** How long the remote may stay silent mid-answer (`--stall-timeout`); see ProviderConfig. */
  stallTimeoutMs?: number | undefined;
}

export interface OpenPairOptions {
  /** Who opens it, for the lock's "already syncing" message ("hoist sync --once"). */
  purpose?: string;
  /** Tests: faster retries, a shorter settle time, watch options. */
  engine?: Partial<
    Pick<
      SyncEngineOptions,
      | 'retry'
      | 'settleMs'
      | 'watch'
      | 'batchRefreshGapMs'
      | 'clock'
      | 'confirmMassDeletion'
      | 'fileBudgetMs'
      | 'multipartPartBytes'
    >
  >;
  retry?: Omit<RetryOptions, 'signal' | 'onRetry'>;
  /**
   * What an app syncing several folders shares between them (host/machine-resources.ts): the hasher
   * pool, the embedded remote and the app-wide upload budget. Without it the pair has its own.
   */
  shared?: MachineResources;
  /**
   * Where the embedded remote of a pair without `shared` runs: `this-thread` for a run that syncs once
   * and exits (no window to keep free, and a worker's start-up is most of an empty folder's cost;
   * host/embedded-remote.ts). Default its own thread.
   */
  embeddedThread?: EmbeddedRemoteThread;
}

export interface OpenedPair {
  service: SyncService;
  pairId: string;
  /** "Alloy (https://…)" or "This computer". */
  label: string;
  /** The remote's identity: its normalized URL, or `embedded`. */
  remoteUrl: RemoteIdentity;
  stateFile: string;
  /** Other folders of this data root synced to the same remote. */
  siblings: SiblingPair[];
  /**
   * What was assembled, for tests (the engine harness looks inside) and a host's diagnostics;
   * hosts drive the pair through `service` only.
   */
  parts: { engine: SyncEngine; state: PairState; provider: RemoteProvider; hasher: HasherPool };
  /** Things the user should know before syncing (e.g. two folders on one remote without folders). */
  warnings: string[];
  close(): Promise<void>;
}

/**
 * The one composition root: builds a pair's state, provider (or the embedded remote), hasher and
 * engine behind a SyncService, holding the pair's lock until `close`. Every host goes through here.
 * Configuration mistakes throw SyncError('config'); a pair another process holds throws
 * SyncError('local-file', reason 'pair-locked').
 */
export async function openPair(config: PairConfig, options: OpenPairOptions = {}): Promise<OpenedPair> {
  // Every host opens through here, so `/`, the home folder or Hoist's own data is refused everywhere.
  await checkFolderToSync(config.folder, { dataRoot: config.stateRoot });
  // Start-up is over and a sync may be about to stream many files through this process.
  growHeapSlowly();
  const overrides = await validSettings(config.overrides, 'setting');
  const shared = options.shared;
  const stored = await validSettings(config.store, 'setting');
  const remoteUrl = remoteIdentityOf(config.provider, config.remote);
  const id = pairId(config.folder, config.provider, remoteUrl);
  const stateFile = await pairStateFile(config.stateRoot, config.folder, config.provider, remoteUrl);
  const lock = acquirePairLock(dirname(stateFile), options.purpose ?? 'syncing');
  const opened: Array<() => Promise<void> | void> = [() => lock.release()];
  const closeAll = async (): Promise<void> => {
    for (const close of opened.reverse()) await close();
  };
  try {
    // An app's folders divide one page-cache budget (engine/state/state-cache-budget.ts); closed after the state.
    const cache = shared?.stateCache.join() ?? null;
    if (cache !== null) opened.push(() => cache.leave());
    const { state, notice } = await openCheckedPairState(
      stateFile,
      { folder: config.folder, provider: config.provider, remote: remoteUrl },
      new Date(),
      cache?.kib,
    );
    opened.push(() => state.close());
    cache?.follow((kib) => state.setCacheKib(kib));
    if (notice !== null) state.activity.add('warning', null, notice, Date.now());
    recordFacts(state, config, remoteUrl, stored);
    const connection: RemoteConnection = await connectRemote({
      provider: config.provider,
      remote: config.remote,
      stateRoot: config.stateRoot,
      token: config.token,
      stallTimeoutMs: config.stallTimeoutMs,
      ...(shared ? { embedded: () => shared.embeddedRemote() } : { embeddedThread: options.embeddedThread }),
    });
    opened.push(() => connection.close());
    // A shared pool belongs to the app and outlives this pair.
    const hasher = options.shared?.hasher ?? new HasherPool({ inlineUpTo: INLINE_HASH_BYTES });
    if (!options.shared) opened.push(() => hasher.close());
    const engine = new SyncEngine({
      root: config.folder,
      state,
      provider: connection.provider,
      hasher,
      ignoreAbsolutePaths: [config.stateRoot],
      settings: overrides,
      remoteUrl,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.shared ? { budget: options.shared.budget } : {}),
      ...options.engine,
    });
    const service = new SyncService(engine, state);
    const siblings = siblingPairs(config.stateRoot, config.provider, remoteUrl, id);
    const info = connection.provider.info;
    return {
      service,
      pairId: id,
      label: `${info.label}${remoteUrl.startsWith('http') ? ` (${remoteUrl})` : ''}`,
      remoteUrl,
      stateFile,
      siblings,
      parts: { engine, state, provider: connection.provider, hasher },
      warnings: [
        ...(notice === null ? [] : [notice]),
        ...sharedRemoteWarnings(siblings, engine.currentSettings.remoteFolder, info.kind, config.folder),
      ],
      close: async () => {
        await service.stop();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * What a host checks before it opens a folder a person just chose (before it stops the pair syncing
 * now): the folder is one Hoist may sync (host/folder-guard.ts), and a very large folder's first sync
 * has the person's yes (host/large-folder.ts; `askHow` ends the question: how to say yes). Returns the
 * folder resolved through symlinks. Throws SyncError('config') with reason 'unsafe-folder' or
 * 'large-folder'.
 */
export async function guardFolderToSync(
  config: Pick<PairConfig, 'folder' | 'provider' | 'remote' | 'stateRoot'>,
  large: { confirmed: boolean; askHow: string; signal?: AbortSignal },
): Promise<string> {
  const folder = await checkFolderToSync(config.folder, { dataRoot: config.stateRoot });
  const remoteUrl = remoteIdentityOf(config.provider, config.remote);
  const firstSync = !existsSync(
    join(pairDirectory(config.stateRoot, pairId(folder, config.provider, remoteUrl)), 'state.db'),
  );
  if (firstSync) await refuseLargeFolderUnlessConfirmed(folder, large);
  return folder;
}

async function validSettings(patch: unknown, what: string): Promise<Partial<PairSettings>> {
  if (patch === undefined) return {};
  const parsed = await checkPairSettingsPatch(patch);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || what;
  throw new SyncError('config', `${field} ${issue?.message ?? 'is not valid'}`, { reason: 'bad-setting' });
}

/** What the pair is (for `hoist status` and sibling lookups) and what the user chose to store. */
function recordFacts(
  state: PairState,
  config: PairConfig,
  remoteUrl: RemoteIdentity,
  stored: Partial<PairSettings>,
): void {
  state.settings.setFact('folder', config.folder);
  state.settings.setFact('provider', config.provider);
  state.settings.setFact('remote', remoteUrl);
  if (Object.keys(stored).length > 0) state.settings.write(stored);
}

/**
 * Two folders writing bare names into one account collide on every common name (README.md). The
 * never-overwrite rule keeps that from losing data, but a remote folder per pair avoids the conflicts.
 */
function sharedRemoteWarnings(
  siblings: SiblingPair[],
  remoteFolder: string,
  kind: ProviderKind,
  folder: string,
): string[] {
  // Open WebUI never replaces by name (every upload is a new file id): nothing to collide.
  if (kind === 'openwebui') return [];
  const clashing = siblings.filter((sibling) => sibling.remoteFolder === remoteFolder);
  if (clashing.length === 0) return [];
  const where =
    remoteFolder === '' ? 'the top of this remote' : `the folder “${remoteFolder}” of this remote`;
  return [
    `${clashing.map((sibling) => sibling.folder).join(', ')} also ${clashing.length === 1 ? 'syncs' : 'sync'} to ${where}. Files with the same name would be conflicts (never overwritten); give this folder its own remote folder, e.g. --remote-folder ${suggestedFolder(siblings, folder)}.`,
  ];
}

/** The folder's own name, made unique among the siblings' remote folders; quoted for a shell. */
function suggestedFolder(siblings: SiblingPair[], folder: string): string {
  const taken = new Set(siblings.map((sibling) => sibling.remoteFolder));
  const base = basename(folder).replace(/[^\p{L}\p{N} ._-]/gu, '') || 'Hoist';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return /^[\w.-]+$/.test(name) ? name : `'${name}'`;
}
