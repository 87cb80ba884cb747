import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PairSettings, ProviderKind } from '../../shared/sync-types.js';
import type { HasherPool } from '../../electron/engine/hash/hasher-pool.js';
import { decodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type { RemoteEntry, RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import type { PairState } from '../../electron/engine/state/pair-state.js';
import type { OnceSummary, SyncEngine } from '../../electron/engine/sync-engine.js';
import { openPair, type OpenedPair, type OpenPairOptions } from '../../electron/host/open-pair.js';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { storedBytes } from './stored-bytes.js';
import { makeTempDir } from './temp-dir.js';
import { TEST_USERS, startTestServer, type RestartableTestServer } from './test-server.js';

/** Retries fast enough for tests; the policy itself is tested in retry.test.ts. */
export const FAST_RETRY = { attempts: 8, startingDelayMs: 5, maxDelayMs: 50 } as const;

export interface HarnessOptions {
  kind?: ProviderKind;
  server?: Partial<ReferenceServerOptions>;
  token?: string;
  settings?: Partial<PairSettings>;
  engine?: OpenPairOptions['engine'];
}

/**
 * A sync pair on a fresh temp folder against a real reference server, opened the way every host
 * opens one (electron/host/open-pair.ts), with the real hasher pool and a real SQLite state file:
 * the world a test needs in one call, and a look inside it (engine, state, provider, hasher).
 */
export class EngineHarness {
  engine!: SyncEngine;
  state!: PairState;
  hasher!: HasherPool;
  provider!: RemoteProvider;
  private pair: OpenedPair | null = null;

  private constructor(
    readonly root: string,
    readonly stateRoot: string,
    readonly server: RestartableTestServer,
    private readonly options: HarnessOptions,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(options: HarnessOptions = {}): Promise<EngineHarness> {
    const temp = await makeTempDir('hoist-engine-');
    const root = join(temp.path, 'folder');
    await mkdir(root);
    const server = await startTestServer(options.server);
    const harness = new EngineHarness(root, join(temp.path, 'state'), server, options, async () => {
      await server.close();
      await temp.remove();
    });
    await harness.open();
    return harness;
  }

  private async open(): Promise<void> {
    const { engine: engineOptions, settings } = this.options;
    this.pair = await openPair(
      {
        folder: this.root,
        provider: this.options.kind ?? 'local',
        remote: this.server.url,
        stateRoot: this.stateRoot,
        token: this.options.token ?? TEST_USERS.alice.token,
        ...(settings ? { overrides: settings } : {}),
      },
      { purpose: 'a test', engine: { retry: FAST_RETRY, settleMs: 20, ...engineOptions } },
    );
    ({
      engine: this.engine,
      state: this.state,
      provider: this.provider,
      hasher: this.hasher,
    } = this.pair.parts);
  }

  /** Closes the pair and opens it again on the same folder and state. */
  async restart(overrides: Partial<HarnessOptions> = {}): Promise<void> {
    await this.closeEngine();
    Object.assign(this.options, overrides);
    await this.open();
  }

  async write(path: string, content: string | Buffer): Promise<void> {
    const absolute = join(this.root, ...path.split('/'));
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
  }

  path(relative: string): string {
    return join(this.root, ...relative.split('/'));
  }

  runOnce(): Promise<OnceSummary> {
    return this.engine.runOnce();
  }

  /** Requests the server answered on a route so far, e.g. `object.put`. */
  count(route: string): number {
    return this.server.server.requestCounts.get(route) ?? 0;
  }

  async remote(): Promise<RemoteEntry[]> {
    return this.provider.list();
  }

  /** The paths the remote holds, decoded from their names, sorted. */
  async remotePaths(): Promise<string[]> {
    return (await this.remote()).map((entry) => decodeRemoteName(entry.name)).sort();
  }

  /** The bytes the fs backend stores for an Alloy key (read from the server's own catalog and blobs). */
  storedBytes(key: string, namespace = 'alloy'): Promise<Buffer> {
    return storedBytes(this.server.dataDir, key, namespace);
  }

  private async closeEngine(): Promise<void> {
    const pair = this.pair;
    this.pair = null;
    await pair?.close();
  }

  async close(): Promise<void> {
    await this.closeEngine().catch(() => undefined);
    await this.cleanup();
  }
}
