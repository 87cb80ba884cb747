import { randomBytes } from 'node:crypto';
import { systemClock } from '../base/clock.js';
import { HasherPool, INLINE_HASH_BYTES } from '../engine/hash/hasher-pool.js';
import { StateCacheBudget } from '../engine/state/state-cache-budget.js';
import { BandwidthLimiter } from '../engine/upload/bandwidth-limiter.js';
import { TransferSlots } from '../engine/upload/transfer-slots.js';
import type { SharedUploadBudget } from '../engine/upload/upload-budget.js';
import { startEmbeddedRemote, type EmbeddedRemote } from './embedded-remote.js';
import { embeddedRemoteDir } from './pair-location.js';

/** The embedded remote as a pair connects to it: its address and the token of this run. */
export interface EmbeddedRemoteLease {
  url: string;
  token: string;
  release(): Promise<void>;
}

/** What is per machine, not per folder, when an app syncs several folders at once. */
export interface MachineResources {
  hasher: HasherPool;
  budget: SharedUploadBudget;
  /** One SQLite page-cache budget that the folders' state DBs divide among them. */
  stateCache: StateCacheBudget;
  /** The embedded remote ("This computer"), started by the first folder that needs it, stopped after the last. */
  embeddedRemote(): Promise<EmbeddedRemoteLease>;
}

export interface AppBudget {
  uploadsAtOnce: number;
  /** Bytes per second; null = unlimited. */
  bandwidthLimit: number | null;
}

/**
 * One hasher pool, one embedded remote, one upload budget and one state page-cache budget for every
 * folder the app syncs: five folders hash on as many threads as one, cache as many state DB pages as
 * a few (engine/state/state-cache-budget.ts), share one reference server on one data directory, and
 * never have more bodies on the wire (or more bandwidth) than the app-wide "uploads at once" and
 * limit allow. Each folder's own settings can only lower them (engine/upload/upload-budget.ts).
 */
export class SharedMachineResources implements MachineResources {
  readonly hasher = new HasherPool({ inlineUpTo: INLINE_HASH_BYTES });
  readonly stateCache = new StateCacheBudget();
  private readonly slots: TransferSlots;
  private readonly limiter: BandwidthLimiter;
  readonly budget: SharedUploadBudget;
  private embedded: { remote: Promise<EmbeddedRemote>; token: string; users: number } | null = null;

  constructor(
    private readonly stateRoot: string,
    budget: AppBudget,
  ) {
    this.slots = new TransferSlots(budget.uploadsAtOnce);
    this.limiter = new BandwidthLimiter(budget.bandwidthLimit ?? 0, systemClock);
    this.budget = { slots: this.slots, bytes: this.limiter };
  }

  setBudget(budget: AppBudget): void {
    this.slots.resize(budget.uploadsAtOnce);
    this.limiter.setLimit(budget.bandwidthLimit ?? 0);
  }

  async embeddedRemote(): Promise<EmbeddedRemoteLease> {
    if (this.embedded === null) {
      const token = randomBytes(24).toString('base64url');
      const remote = startEmbeddedRemote({ dataDir: embeddedRemoteDir(this.stateRoot), token });
      this.embedded = { remote, token, users: 0 };
      // A start that fails is tried again by the next folder that asks.
      remote.catch(() => {
        if (this.embedded?.remote === remote) this.embedded = null;
      });
    }
    const embedded = this.embedded;
    embedded.users++;
    let server: EmbeddedRemote;
    try {
      server = await embedded.remote;
    } catch (error) {
      embedded.users--;
      throw error;
    }
    let released = false;
    return {
      url: server.url,
      token: embedded.token,
      release: async () => {
        if (released) return;
        released = true;
        embedded.users--;
        if (embedded.users > 0 || this.embedded !== embedded) return;
        this.embedded = null;
        await server.close();
      },
    };
  }

  async close(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = null;
    if (embedded) await (await embedded.remote.catch(() => null))?.close();
    await this.hasher.close();
  }
}
