// Past 300 lines: the one object the hosts and the bridge drive (the configuration, its changes and
// what the window reads of every folder); the folder set, the admission checks, the conflict rules,
// the shared resources and the folder view live beside it.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppView, OverviewView, StatusView } from '../../shared/bridge/contract.js';
import type { SyncErrorInfo } from '../../shared/sync-types.js';
import type { SyncService } from '../engine/sync-service.js';
import { AppConfigFile, type AppConfig, type FolderConfig, type PairConfig } from './app-config.js';
import { HandlerError } from './bridge/handler-error.js';
import type { DesktopHost } from './desktop-host.js';
import { admitFolder } from './folder-admission.js';
import { remoteFoldersInside } from './folder-conflicts.js';
import { identityOf } from './folder-remote.js';
import { folderView } from './folder-view.js';
import { FolderSet, folderIdOf, folderName, type FolderEntry, type OpenPairFunction } from './folder-set.js';
import { addExactRules, readHoistignore, writeHoistignore } from './hoistignore-file.js';
import { SharedMachineResources, type AppBudget } from './machine-resources.js';
import { pairDirectory } from './pair-location.js';
import { credentialAccount } from './credentials/credential-store.js';
import { storedTokenFor } from './remote-connection.js';
import { remoteIdentityOf } from './remote-identity.js';
import type { CredentialStore } from './web/session-credentials.js';

/** What the app tells its hosts, each about one folder; the bridge server coalesces them per folder. */
export interface HoistAppEvents {
  status: [folder: string];
  changed: [folder: string, change: { remote: boolean; local: boolean; activity: boolean }];
  problem: [folder: string, problem: SyncErrorInfo];
  /** The configuration changed, or a folder opened, failed or closed. */
  app: [];
}

export interface HoistAppOptions {
  dataRoot: string;
  credentials: CredentialStore;
  openPair: OpenPairFunction;
  /** The desktop shell's abilities (Electron); absent in the web host. */
  desktop?: DesktopHost;
  log?: (line: string) => void;
}

/** A new folder as the window (`folders.add`) or a command line names it. */
export type NewFolder = PairConfig & { remoteFolder?: string | undefined };

/**
 * The app core every host shares: the configuration (the folders, each with its remote; the theme; the
 * app-wide upload budget), the folder set syncing all of them at once, the credentials, what the window
 * changes at runtime. Hosts add a transport and their windows; the bridge server turns this into
 * commands and events.
 */
export class HoistApp {
  readonly events = new EventEmitter<HoistAppEvents>();
  private config: AppConfig = { folders: [], theme: 'system', uploadsAtOnce: 4, bandwidthLimit: null };
  private readonly configFile: AppConfigFile;
  private shared: SharedMachineResources | null = null;
  private folderSet: FolderSet | null = null;
  /** Serializes configuration changes: two quick adds must not both pass the conflict check. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HoistAppOptions) {
    this.configFile = new AppConfigFile(options.dataRoot);
  }

  /**
   * Reads the stored configuration and starts opening every folder (in the background: `ready()`
   * settles when all are open or failed). `initial` (a folder on the command line) joins the list
   * unless it is there already; one that clashes with a configured folder is refused.
   */
  async start(initial?: PairConfig): Promise<void> {
    this.config = await this.configFile.read();
    this.shared = new SharedMachineResources(this.options.dataRoot, this.config);
    const folders = new FolderSet({
      dataRoot: this.options.dataRoot,
      credentials: this.options.credentials,
      openPair: this.options.openPair,
      shared: this.shared,
      log: this.options.log,
    });
    folders.events.on('status', (id) => this.events.emit('status', id));
    folders.events.on('changed', (id, change) => this.events.emit('changed', id, change));
    folders.events.on('problem', (id, problem) => this.events.emit('problem', id, problem));
    folders.events.on('app', () => this.events.emit('app'));
    this.folderSet = folders;
    if (initial && !this.config.folders.some((folder) => folderIdOf(folder) === folderIdOf(initial))) {
      // Opened as it is, like a stored folder: a rejected token is its own problem, not a refusal.
      await this.addFolder(initial, undefined, { confirmLargeFolder: true, checkToken: false });
    }
    for (const folder of this.config.folders) if (!folders.get(folderIdOf(folder))) folders.add(folder);
  }

  /** Settles when every configured folder is open or has failed to open. */
  ready(): Promise<void> {
    return this.folderSet?.settled() ?? Promise.resolve();
  }

  private get folders(): FolderSet {
    if (!this.folderSet) throw new Error('The app has not started');
    return this.folderSet;
  }

  async view(): Promise<AppView> {
    const entries = this.config.folders.map((config) => this.folders.get(folderIdOf(config)));
    // Folders on one remote share its token: asked once per remote (its keychain account, made of
    // the identity, however each folder's URL is spelled), not once per folder.
    const tokens = new Map<string, Promise<string | null>>();
    const tokenOf = (config: FolderConfig): Promise<string | null> => {
      const identity = identityOf(config);
      if (identity === null) return Promise.resolve(null);
      const key = credentialAccount(config.provider, identity);
      let token = tokens.get(key);
      if (!token) {
        token = storedTokenFor(config.provider, identity, this.options.credentials);
        tokens.set(key, token);
      }
      return token;
    };
    return {
      folders: await Promise.all(
        entries.flatMap((entry) =>
          entry ? [tokenOf(entry.config).then((token) => folderView(entry, token))] : [],
        ),
      ),
      theme: this.config.theme,
      suggestedFolder: join(homedir(), 'Hoist'),
      credentialStore: this.options.credentials.kind,
      desktop: this.options.desktop ? await this.options.desktop.switches() : null,
      canKeepTokenForSession:
        this.options.credentials.useSessionOnly !== undefined && this.options.credentials.kind !== 'memory',
      uploadsAtOnce: this.config.uploadsAtOnce,
      bandwidthLimit: this.config.bandwidthLimit,
    };
  }

  /** Every folder with its status (null until open): what the "All folders" view and the tray read. */
  overview(): OverviewView {
    return {
      folders: this.config.folders.flatMap((config) => {
        const entry = this.folders.get(folderIdOf(config));
        if (!entry) return [];
        return [
          {
            id: entry.id,
            name: folderName(entry.config.folder),
            status: entry.opened ? this.statusOf(entry.id, entry.opened.service) : null,
            openError: entry.openError,
          },
        ];
      }),
    };
  }

  /** The ids of the configured folders, in order. */
  folderIds(): string[] {
    return this.config.folders.map(folderIdOf);
  }

  /** A configured folder, or HandlerError('no-pair') saying there is none by that id. */
  entry(id: string): FolderEntry {
    const entry = this.folders.get(id);
    if (!entry) throw new HandlerError('no-pair', 'That folder is not configured (it may have been removed)');
    return entry;
  }

  /** A folder's service once it is open; HandlerError('no-pair') with why it is not. */
  async service(id: string): Promise<SyncService> {
    const entry = this.entry(id);
    await entry.opening;
    if (!entry.opened) {
      throw new HandlerError(
        'no-pair',
        `${folderName(entry.config.folder)} is not syncing: ${entry.openError ?? 'it was closed'}`,
      );
    }
    return entry.opened.service;
  }

  /** The open folders' services, for "pause all" and the tray. */
  openServices(): Array<{ id: string; service: SyncService }> {
    return this.folders
      .list()
      .flatMap((entry) => (entry.opened ? [{ id: entry.id, service: entry.opened.service }] : []));
  }

  /** A folder's status as the window sees it: without the problems the person set aside. */
  statusOf(id: string, service: SyncService): StatusView {
    const status = service.status();
    const dismissed = this.folders.get(id)?.dismissed;
    return {
      ...status,
      problems: status.problems.filter((problem) => !dismissed?.has(`${problem.id}\n${problem.message}`)),
    };
  }

  /** The desktop shell, when there is one (the window offers its abilities only then). */
  get desktop(): DesktopHost | null {
    return this.options.desktop ?? null;
  }

  /** Other folders' remote folders inside this folder's own, on its remote (folder-conflicts.ts). */
  remoteFoldersInside(id: string): string[] {
    return remoteFoldersInside(this.folders.places(), id);
  }

  /** A configured folder's path. */
  folderPath(id: string): string {
    return this.entry(id).config.folder;
  }

  /** Where no keychain works: keep tokens for this session only (the person chose it in Settings). */
  async useSessionOnlyCredentials(): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials.useSessionOnly) throw new Error('This Hoist keeps tokens only where it already does');
    await credentials.useSessionOnly();
    this.events.emit('app');
  }

  /**
   * Adds a folder and starts syncing it while the others go on; `token` is stored, never written to
   * the configuration. Refused (nothing changes) as folder-admission.ts says; returns its id.
   */
  addFolder(
    requested: NewFolder,
    token?: string,
    options: { confirmLargeFolder?: boolean; checkToken?: boolean } = {},
  ): Promise<string> {
    return this.serialized(async () => {
      const others = this.folders.places();
      const config = await admitFolder(
        requested,
        token,
        {
          confirmLargeFolder: options.confirmLargeFolder === true,
          alreadySyncing: false,
          checkToken: options.checkToken !== false,
        },
        { dataRoot: this.options.dataRoot, credentials: this.options.credentials, others },
      );
      await this.storeToken(config, token);
      const stored: FolderConfig = withoutUndefined(config);
      await this.writeConfig({ ...this.config, folders: [...this.config.folders, stored] });
      this.folders.add(stored);
      this.events.emit('app');
      return folderIdOf(stored);
    });
  }

  /** Stops syncing a folder and forgets it; its remote copies stay, its state only goes when asked. */
  removeFolder(id: string, removeState: boolean): Promise<void> {
    return this.serialized(async () => {
      this.entry(id);
      await this.writeConfig({
        ...this.config,
        folders: this.config.folders.filter((folder) => folderIdOf(folder) !== id),
      });
      await this.folders.remove(id);
      // After the folder closed (its lock released): nothing holds the files being removed.
      if (removeState) await rm(pairDirectory(this.options.dataRoot, id), { recursive: true, force: true });
    });
  }

  /** Another remote or remote folder for a configured folder; the same refusals as adding it. */
  updateFolder(
    id: string,
    change: { provider?: FolderConfig['provider']; remoteUrl?: string; remoteFolder?: string },
  ): Promise<string> {
    return this.serialized(async () => {
      const entry = this.entry(id);
      const requested = withoutUndefined({ ...entry.config, ...change });
      const others = this.folders.places().filter((place) => place.id !== id);
      const sameRemote = folderIdOf(requested) === id;
      const config = await admitFolder(
        requested,
        undefined,
        { confirmLargeFolder: sameRemote, alreadySyncing: sameRemote },
        { dataRoot: this.options.dataRoot, credentials: this.options.credentials, others },
      );
      return this.replaceFolder(id, config);
    });
  }

  /** Stores a token for a folder's remote and opens the folder again with it (after the remote's yes). */
  setToken(id: string, token: string): Promise<void> {
    return this.serialized(async () => {
      const entry = this.entry(id);
      const others = this.folders.places().filter((place) => place.id !== id);
      const config = await admitFolder(
        entry.config,
        token,
        { confirmLargeFolder: true, alreadySyncing: true },
        { dataRoot: this.options.dataRoot, credentials: this.options.credentials, others },
      );
      await this.storeToken(config, token);
      await this.replaceFolder(id, config);
    });
  }

  /** The app-wide "uploads at once" and bandwidth limit: every folder's uploads share them. */
  async setBudget(change: Partial<AppBudget>): Promise<void> {
    const next = { ...this.config, ...withoutUndefined(change) };
    await this.writeConfig(next);
    this.shared?.setBudget(next);
    this.events.emit('app');
  }

  /** A folder's own settings; a new remote folder is remembered in the configuration too. */
  async updateSettings(
    id: string,
    patch: Record<string, unknown>,
  ): Promise<ReturnType<SyncService['settings']>> {
    const service = await this.service(id);
    const settings = await service.updateSettings(patch);
    const { remoteFolder, ...rest } = patch;
    const folders = this.config.folders.map((folder) => {
      if (folderIdOf(folder) !== id) return folder;
      // Kept in step, so the configuration never puts back an older value when the folder opens again.
      const own = folder.settings
        ? { ...folder.settings, ...pick(rest, Object.keys(folder.settings)) }
        : undefined;
      return withoutUndefined({
        ...folder,
        ...(remoteFolder !== undefined ? { remoteFolder: settings.remoteFolder } : {}),
        settings: own,
      });
    });
    await this.writeConfig({ ...this.config, folders });
    return settings;
  }

  async setTheme(theme: AppConfig['theme']): Promise<void> {
    await this.writeConfig({ ...this.config, theme });
    this.events.emit('app');
  }

  /** Sets aside a folder's current problem `problemId` until it changes (e.g. keep a mass deletion's copies). */
  async dismissProblem(id: string, problemId: string): Promise<void> {
    const service = await this.service(id);
    const problem = service.status().problems.find((candidate) => candidate.id === problemId);
    if (problem) this.entry(id).dismissed.add(`${problemId}\n${problem.message}`);
    this.events.emit('status', id);
  }

  /** A folder's `.hoistignore` (hoistignore-file.ts: links refused, writes whole). */
  readIgnore(id: string): Promise<string> {
    return readHoistignore(this.folderPath(id));
  }

  writeIgnore(id: string, text: string): Promise<void> {
    return writeHoistignore(this.folderPath(id), text);
  }

  /** Adds paths (as exact, rooted rules) to a folder's `.hoistignore`; returns how many were new. */
  addToIgnore(id: string, paths: readonly string[]): Promise<number> {
    return addExactRules(this.folderPath(id), paths);
  }

  async close(): Promise<void> {
    await this.changing;
    await this.folderSet?.close();
    await this.shared?.close();
  }

  private async replaceFolder(id: string, config: FolderConfig): Promise<string> {
    const stored = withoutUndefined(config);
    await this.folders.remove(id);
    await this.writeConfig({
      ...this.config,
      folders: this.config.folders.map((folder) => (folderIdOf(folder) === id ? stored : folder)),
    });
    this.folders.add(stored);
    this.events.emit('app');
    return folderIdOf(stored);
  }

  private async storeToken(config: FolderConfig, token: string | undefined): Promise<void> {
    if (token === undefined || token === '') return;
    await this.options.credentials.set(
      credentialAccount(config.provider, remoteIdentityOf(config.provider, config.remoteUrl)),
      token,
    );
  }

  private async writeConfig(config: AppConfig): Promise<void> {
    await this.configFile.write(config);
    this.config = config;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changing.then(work);
    this.changing = run.catch(() => undefined);
    return run;
  }
}

/** Drops keys whose value is undefined (the configuration file is strict about its fields). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => keys.includes(name)));
}
