// Just past 300 lines: the app core's one object (the open pair, its switches and what the window
// asks of it); the guards, .hoistignore, the connection test and the credentials live beside it.
import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppView, PairView } from '../../shared/bridge/contract.js';
import { PROVIDERS } from '../../shared/providers.js';
import type { SyncErrorInfo } from '../../shared/sync-types.js';
import { AppConfigFile, type AppConfig, type PairConfig } from './app-config.js';
import { SyncError } from '../engine/sync-error.js';
import { tokenRejection } from './connection-test.js';
import type { DesktopHost } from './desktop-host.js';
import { checkFolderToSync, makeMissingFolder } from './folder-guard.js';
import { addExactRules, readHoistignore, writeHoistignore } from './hoistignore-file.js';
import { credentialAccount } from './credentials/credential-store.js';
import { storedTokenFor } from './remote-connection.js';
import { remoteIdentityOf, remoteIdentityOrNull } from './remote-identity.js';
import type { CredentialStore } from './web/session-credentials.js';
import { guardFolderToSync, type OpenedPair, type PairConfig as OpenPairConfig } from './open-pair.js';

/** What the app tells its hosts; the bridge server coalesces these before anything crosses a bridge. */
export interface HoistAppEvents {
  /** Status may have changed (state, progress, problems, pause). */
  status: [];
  changed: [{ remote: boolean; local: boolean; activity: boolean }];
  problem: [SyncErrorInfo];
  /** The app's configuration or pair changed. */
  app: [];
}

export interface HoistAppOptions {
  dataRoot: string;
  credentials: CredentialStore;
  openPair: (config: OpenPairConfig) => Promise<OpenedPair>;
  /** The desktop shell's abilities (Electron); absent in the web host. */
  desktop?: DesktopHost;
  log?: (line: string) => void;
}

/**
 * The app core every host shares, beyond one pair: the configuration (which folder, which remote),
 * opening and switching pairs at runtime, the credentials, timed pauses. Hosts add a transport and
 * their windows; the bridge server turns this into commands and events.
 */
export class HoistApp {
  readonly events = new EventEmitter<HoistAppEvents>();
  private config: AppConfig = { pair: null, theme: 'system' };
  private opened: OpenedPair | null = null;
  private openError: string | null = null;
  private detach: Array<() => void> = [];
  private readonly configFile: AppConfigFile;
  /** Problems the user chose to set aside (a refused mass deletion they keep), by id and message. */
  private readonly dismissed = new Set<string>();
  /** Serializes opening and closing: two quick switches must not open two engines. */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HoistAppOptions) {
    this.configFile = new AppConfigFile(options.dataRoot);
  }

  /** Reads the stored configuration (or takes `initial`, e.g. a folder given on the command line) and opens it. */
  async start(initial?: PairConfig): Promise<void> {
    this.config = await this.configFile.read();
    if (initial) this.config = { ...this.config, pair: initial };
    const pair = this.config.pair;
    // Opened as it is, without openPair's checks before a switch: nothing syncs yet to keep going,
    // a rejected token is shown as the pair's own problem, and a refused folder as its openError.
    if (pair) {
      const run = this.switching.then(() => this.switchTo(pair));
      this.switching = run.catch(() => undefined);
      await run;
    }
  }

  get service(): OpenedPair['service'] | null {
    return this.opened?.service ?? null;
  }

  async view(): Promise<AppView> {
    return {
      pair: await this.pairView(),
      openError: this.openError,
      theme: this.config.theme,
      suggestedFolder: join(homedir(), 'Hoist'),
      credentialStore: this.options.credentials.kind,
      desktop: this.options.desktop ? await this.options.desktop.switches() : null,
      canKeepTokenForSession:
        this.options.credentials.useSessionOnly !== undefined && this.options.credentials.kind !== 'memory',
    };
  }

  /** The desktop shell, when there is one (the window offers its abilities only then). */
  get desktop(): DesktopHost | null {
    return this.options.desktop ?? null;
  }

  /** The folder of the open pair, or null. */
  get folder(): string | null {
    return this.config.pair?.folder ?? null;
  }

  /** Where no keychain works: keep tokens for this session only (the person chose it in Settings). */
  async useSessionOnlyCredentials(): Promise<void> {
    const credentials = this.options.credentials;
    if (!credentials.useSessionOnly) throw new Error('This Hoist keeps tokens only where it already does');
    await credentials.useSessionOnly();
    this.events.emit('app');
  }

  /**
   * Stops the current pair (if any), remembers `pair` and opens it; `token` is stored, never persisted
   * in config. Nothing changes, and the current pair keeps syncing, when: the folder is one Hoist
   * refuses (host/folder-guard.ts); a new folder is very large and `confirmLargeFolder` is not set
   * (host/large-folder.ts: SyncError 'large-folder', so the window can ask); the remote rejects the
   * token that would be used (SyncError 'auth'); or no keychain works for the token
   * (KeychainUnavailableError).
   */
  openPair(pair: PairConfig, token?: string, options: { confirmLargeFolder?: boolean } = {}): Promise<void> {
    const run = this.switching.then(async () => {
      const checked = await this.checkBeforeSwitching(pair, token, options.confirmLargeFolder === true);
      if (token !== undefined && token !== '') {
        const account = credentialAccount(pair.provider, remoteIdentityOf(pair.provider, pair.remoteUrl));
        await this.options.credentials.set(account, token);
      }
      await this.switchTo(checked);
    });
    this.switching = run.catch(() => undefined);
    return run;
  }

  /** The checks `openPair` makes while the current pair still syncs; returns the pair with its real folder. */
  private async checkBeforeSwitching(
    pair: PairConfig,
    token: string | undefined,
    confirmLargeFolder: boolean,
  ): Promise<PairConfig> {
    const dataRoot = this.options.dataRoot;
    await makeMissingFolder(pair.folder, { dataRoot });
    const remoteUrl = remoteUrlOf(pair);
    const identity = remoteIdentityOrNull(pair.provider, pair.remoteUrl);
    const current = this.config.pair;
    const samePair =
      current !== null &&
      current.folder === pair.folder &&
      current.provider === pair.provider &&
      remoteIdentityOrNull(current.provider, current.remoteUrl) === identity;
    // Only a folder chosen now is asked about: the one syncing already had its answer.
    const folder = await guardFolderToSync(
      { folder: pair.folder, provider: pair.provider, remote: remoteUrl, stateRoot: dataRoot },
      { confirmed: samePair || confirmLargeFolder, askHow: '.' },
    );
    if (PROVIDERS[pair.provider].needsToken) {
      const used =
        token !== undefined && token !== ''
          ? token
          : await storedTokenFor(pair.provider, identity, this.options.credentials);
      const rejection = used ? await tokenRejection(pair.provider, remoteUrl, used) : null;
      if (rejection !== null) {
        const kept = this.opened
          ? ` Hoist goes on syncing ${current?.folder ?? ''} with ${this.opened.label}.`
          : '';
        // Its first sentence only: "Update it in Settings" is no advice to someone in Settings.
        const said = (rejection.split(/(?<=\.)\s/)[0] ?? rejection).replace(/\.$/, '');
        throw new SyncError('auth', `${said}. Nothing was changed.${kept}`);
      }
    }
    return { ...pair, folder };
  }

  async setToken(token: string): Promise<void> {
    const pair = this.config.pair;
    if (!pair) throw new Error('Choose a folder and a remote first');
    await this.openPair(pair, token);
  }

  async setTheme(theme: AppConfig['theme']): Promise<void> {
    this.config = { ...this.config, theme };
    await this.configFile.write(this.config);
    this.events.emit('app');
  }

  /** Sets aside the current problem `id` until it changes (e.g. keep the remote copies of a mass deletion). */
  dismissProblem(id: string): void {
    const problem = this.service?.status().problems.find((candidate) => candidate.id === id);
    if (problem) this.dismissed.add(`${id}\n${problem.message}`);
    this.events.emit('status');
  }

  isDismissed(id: string | undefined, message: string): boolean {
    return id !== undefined && this.dismissed.has(`${id}\n${message}`);
  }

  /** The open pair's folder, for its `.hoistignore` (hoistignore-file.ts: links refused, writes whole). */
  private ignoreFolder(): string {
    const pair = this.config.pair;
    if (!pair) throw new Error('Choose a folder first');
    return pair.folder;
  }

  readIgnore(): Promise<string> {
    return readHoistignore(this.ignoreFolder());
  }

  writeIgnore(text: string): Promise<void> {
    return writeHoistignore(this.ignoreFolder(), text);
  }

  /** Adds paths (as exact, rooted rules) to `.hoistignore`; returns how many were new. */
  addToIgnore(paths: readonly string[]): Promise<number> {
    return addExactRules(this.ignoreFolder(), paths);
  }

  async close(): Promise<void> {
    await this.switching;
    await this.closeCurrent();
  }

  private async switchTo(requested: PairConfig): Promise<void> {
    await this.closeCurrent();
    let pair = requested;
    this.config = { ...this.config, pair };
    await this.configFile.write(this.config);
    const remoteUrl = remoteUrlOf(pair);
    const identity = remoteIdentityOrNull(pair.provider, pair.remoteUrl);
    const storedToken =
      (await storedTokenFor(pair.provider, identity, this.options.credentials)) ?? undefined;
    this.openError = null;
    try {
      // Checked again here for the stored pair opened at start (a folder chosen now already was).
      pair = { ...pair, folder: await checkFolderToSync(pair.folder, { dataRoot: this.options.dataRoot }) };
      this.config = { ...this.config, pair };
      await this.configFile.write(this.config);
      if (PROVIDERS[pair.provider].needsToken && storedToken === undefined) {
        throw new Error('Add the API token in Settings to start syncing');
      }
      this.opened = await this.options.openPair({
        folder: pair.folder,
        provider: pair.provider,
        stateRoot: this.options.dataRoot,
        ...(remoteUrl !== undefined ? { remote: remoteUrl } : {}),
        ...(storedToken !== undefined ? { token: storedToken } : {}),
      });
    } catch (error) {
      this.openError = (error as Error).message;
      this.options.log?.(`Could not open ${pair.folder}: ${this.openError}`);
      this.events.emit('app');
      return;
    }
    this.attach(this.opened.service);
    this.events.emit('app');
    // Watch mode starts in the background: a first scan of a big folder must not hold up the window.
    this.opened.service.start().catch((error: unknown) => {
      this.options.log?.(`Syncing ${pair.folder} stopped: ${(error as Error).message}`);
    });
  }

  private attach(service: OpenedPair['service']): void {
    const status = (): void => void this.events.emit('status');
    this.detach = [
      service.on('state', status),
      service.on('progress', status),
      service.on('problem', (problem) => {
        this.events.emit('problem', problem);
        status();
      }),
      service.on('activity', () =>
        this.events.emit('changed', { remote: false, local: false, activity: true }),
      ),
      service.on('changed', (change) => {
        this.events.emit('changed', { ...change, activity: false });
        status();
      }),
    ];
  }

  private async closeCurrent(): Promise<void> {
    for (const detach of this.detach) detach();
    this.detach = [];
    const opened = this.opened;
    this.opened = null;
    if (opened) await opened.close();
  }

  private async pairView(): Promise<PairView | null> {
    const pair = this.config.pair;
    if (!pair) return null;
    const remoteUrl = remoteUrlOf(pair) ?? null;
    const identity = remoteIdentityOrNull(pair.provider, pair.remoteUrl);
    const token = await storedTokenFor(pair.provider, identity, this.options.credentials);
    return {
      folder: pair.folder,
      provider: pair.provider,
      remoteUrl,
      label:
        this.opened?.label ??
        (pair.provider === 'local' ? PROVIDERS.local.label : (remoteUrl ?? pair.provider)),
      canDelete: PROVIDERS[pair.provider].canDelete,
      tokenSet: token !== null,
      needsToken: PROVIDERS[pair.provider].needsToken,
    };
  }
}

/**
 * The pair's remote URL as typed, trimmed, no trailing slash (undefined when none): what the window
 * shows and openPair is given. Accounts and pair ids use its identity (remote-identity.ts) instead.
 */
function remoteUrlOf(pair: PairConfig): string | undefined {
  return pair.remoteUrl?.trim() ? pair.remoteUrl.trim().replace(/\/+$/, '') : undefined;
}
