import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { SyncErrorInfo } from '../../shared/sync-types.js';
import { TransferSlots } from '../engine/upload/transfer-slots.js';
import type { FolderConfig } from './app-config.js';
import { folderConflict, type FolderPlace } from './folder-conflicts.js';
import { checkFolderToSync } from './folder-guard.js';
import type { MachineResources } from './machine-resources.js';
import type { OpenedPair, OpenPairOptions, PairConfig as OpenPairConfig } from './open-pair.js';
import { pairId } from './pair-location.js';
import { storedTokenFor } from './remote-connection.js';
import { identityOf, needsToken, remoteLabelOf } from './folder-remote.js';
import type { RemoteIdentity } from './remote-identity.js';
import type { CredentialStore } from './web/session-credentials.js';

/** What the folder set tells the app; every event names the folder it is about. */
export interface FolderSetEvents {
  status: [folder: string];
  changed: [folder: string, change: { remote: boolean; local: boolean; activity: boolean }];
  problem: [folder: string, problem: SyncErrorInfo];
  /** A folder opened, failed to open or closed: the app view changed. */
  app: [];
}

export type OpenPairFunction = (config: OpenPairConfig, options?: OpenPairOptions) => Promise<OpenedPair>;

/** One configured folder and what became of opening it. */
export interface FolderEntry {
  id: string;
  config: FolderConfig;
  opened: OpenedPair | null;
  openError: string | null;
  /** Settles when the folder is open or failed to; null once settled. */
  opening: Promise<void> | null;
  /** Problems the person set aside (a refused mass deletion they keep), by id and message. */
  dismissed: Set<string>;
  detach: Array<() => void>;
}

// Folders opened at once: each takes its lock, opens (and checks) its state DB and connects. Enough
// to overlap the waits of 100 folders; few enough that the window's requests are not starved meanwhile.
const OPEN_AT_ONCE = 8;

/**
 * The folders the app syncs, all at once in this process: each opened through open-pair.ts with its
 * own lock and state, all sharing the machine's resources (one hasher pool, one embedded remote, one
 * upload budget). Opening runs concurrently with a bound and in the background: a folder that fails
 * to open keeps its reason (`openError`) while the others sync, and a folder's first scan runs after
 * it opens, never holding up another folder.
 */
export class FolderSet {
  readonly events = new EventEmitter<FolderSetEvents>();
  private readonly entries = new Map<string, FolderEntry>();
  private readonly openSlots = new TransferSlots(OPEN_AT_ONCE);
  private closed = false;

  constructor(
    private readonly options: {
      dataRoot: string;
      credentials: CredentialStore;
      openPair: OpenPairFunction;
      shared: MachineResources;
      log?: ((line: string) => void) | undefined;
    },
  ) {}

  /** The entries in the order the configuration lists them. */
  list(): FolderEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): FolderEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds a folder and starts opening it in the background; `opening` settles when it is done. */
  add(config: FolderConfig): FolderEntry {
    const id = folderIdOf(config);
    const entry: FolderEntry = {
      id,
      config,
      opened: null,
      openError: null,
      opening: null,
      dismissed: new Set(),
      detach: [],
    };
    this.entries.set(id, entry);
    const opening = this.openSlots
      .run(() => this.open(entry))
      .catch((error: unknown) => {
        entry.openError = (error as Error).message;
        this.options.log?.(`Could not open ${config.folder}: ${entry.openError}`);
      })
      .finally(() => {
        if (entry.opening === opening) entry.opening = null;
        this.events.emit('app');
      });
    entry.opening = opening;
    return entry;
  }

  /** Stops a folder and forgets it; its state stays unless the caller removes it. */
  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    await this.closeEntry(entry);
    this.events.emit('app');
  }

  /** Every folder open (or failed): what tests and `hoist ui` wait for before saying all started. */
  async settled(): Promise<void> {
    await Promise.all(this.list().map((entry) => entry.opening));
  }

  /** Where the folders listed before `entry` sync to: the ones a conflict at start leaves syncing. */
  private placesBefore(entry: FolderEntry): FolderPlace[] {
    const before: FolderPlace[] = [];
    for (const other of this.entries.values()) {
      if (other === entry) break;
      before.push(placeOf(other.config, other.id, other.opened));
    }
    return before;
  }

  /** Where each configured folder syncs to, for the conflict rules. */
  places(): FolderPlace[] {
    return this.list().map((entry) => placeOf(entry.config, entry.id, entry.opened));
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = this.list();
    this.entries.clear();
    await Promise.all(entries.map((entry) => this.closeEntry(entry)));
  }

  private async closeEntry(entry: FolderEntry): Promise<void> {
    // A folder still opening is closed when its open ends (open() sees it is no longer listed).
    await entry.opening;
    for (const detach of entry.detach) detach();
    entry.detach = [];
    const opened = entry.opened;
    entry.opened = null;
    if (opened) await opened.close();
  }

  private async open(entry: FolderEntry): Promise<void> {
    const { config } = entry;
    if (this.closed || this.entries.get(entry.id) !== entry) return;
    // app.json may list folders that would never have been let in together (written by hand, or by an
    // older Hoist): the same rules as adding one, against the folders listed before it, which keep it.
    const conflict = folderConflict(placeOf(config, entry.id, null), this.placesBefore(entry));
    if (conflict !== null) throw conflict;
    // Checked again at each start: a folder can have become one Hoist refuses, or gone missing.
    const folder = await checkFolderToSync(config.folder, { dataRoot: this.options.dataRoot });
    const token =
      (await storedTokenFor(config.provider, identityOf(config), this.options.credentials)) ?? undefined;
    if (needsToken(config.provider) && token === undefined) {
      throw new Error('Add the API token in Settings to start syncing');
    }
    const opened = await this.options.openPair(
      {
        folder,
        provider: config.provider,
        stateRoot: this.options.dataRoot,
        // As configured: open-pair.ts makes the identity of it (pair id, keychain account, connection).
        ...(config.remoteUrl !== undefined ? { remote: config.remoteUrl } : {}),
        ...(token !== undefined ? { token } : {}),
        ...(config.remoteFolder !== undefined || config.settings !== undefined
          ? {
              store: {
                ...config.settings,
                ...(config.remoteFolder !== undefined ? { remoteFolder: config.remoteFolder } : {}),
              },
            }
          : {}),
      },
      { purpose: 'syncing in the Hoist app', shared: this.options.shared },
    );
    if (this.closed || this.entries.get(entry.id) !== entry) {
      // Removed (or the app closed) while it opened: nothing may keep its lock.
      await opened.close();
      return;
    }
    entry.opened = opened;
    entry.openError = null;
    this.attach(entry, opened.service);
    // Watch mode starts in the background: a first scan of a big folder must not hold up the others.
    opened.service.start().catch((error: unknown) => {
      this.options.log?.(`Syncing ${folder} stopped: ${(error as Error).message}`);
    });
  }

  private attach(entry: FolderEntry, service: OpenedPair['service']): void {
    const id = entry.id;
    const status = (): void => void this.events.emit('status', id);
    entry.detach = [
      service.on('state', status),
      service.on('progress', status),
      service.on('problem', (problem) => {
        this.events.emit('problem', id, problem);
        status();
      }),
      service.on('activity', () =>
        this.events.emit('changed', id, { remote: false, local: false, activity: true }),
      ),
      service.on('changed', (change) => {
        this.events.emit('changed', id, { ...change, activity: false });
        status();
      }),
    ];
  }
}

/**
 * A configured folder's id: its pair id (host/pair-location.ts), so the window, the state directory
 * and `hoist status` name it alike. A URL that names no remote still gets a stable id from its text.
 */
export function folderIdOf(config: Pick<FolderConfig, 'folder' | 'provider' | 'remoteUrl'>): string {
  // A URL that names no remote never opens (no state dir, no keychain account): its text only names it.
  const identity = identityOf(config) ?? (`invalid:${config.remoteUrl ?? ''}` as RemoteIdentity);
  return pairId(config.folder, config.provider, identity);
}

function remoteIdOf(config: Pick<FolderConfig, 'provider' | 'remoteUrl'>): string | null {
  return identityOf(config);
}

/** Where a folder syncs to; an open folder's remote folder is what its engine uses now. */
export function placeOf(config: FolderConfig, id: string, opened: OpenedPair | null): FolderPlace {
  return {
    id,
    folder: config.folder,
    provider: config.provider,
    remoteId: remoteIdOf(config),
    remoteFolder: opened?.service.settings().remoteFolder ?? config.remoteFolder ?? '',
    remoteLabel: opened?.label ?? remoteLabelOf(config),
  };
}

export function folderName(folder: string): string {
  return basename(folder) || folder;
}
