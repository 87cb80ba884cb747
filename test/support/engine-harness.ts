import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import type { PairSettings, ProviderKind } from '../../shared/sync-types.js';
import { HasherPool } from '../../electron/engine/hash/hasher-pool.js';
import { createProvider } from '../../electron/engine/remote/create-provider.js';
import { decodeRemoteName } from '../../electron/engine/remote/remote-names.js';
import type { RemoteEntry, RemoteProvider } from '../../electron/engine/remote/remote-provider.js';
import { openPairState, type PairState } from '../../electron/engine/state/pair-state.js';
import { SyncEngine, type OnceSummary, type SyncEngineOptions } from '../../electron/engine/sync-engine.js';
import type { ReferenceServerOptions } from '../../electron/server/reference-server.js';
import { makeTempDir } from './temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from './test-server.js';

/** Retries fast enough for tests; the policy itself is tested in retry.test.ts. */
export const FAST_RETRY = { attempts: 8, startingDelayMs: 5, maxDelayMs: 50 } as const;

export interface HarnessOptions {
  kind?: ProviderKind;
  server?: Partial<ReferenceServerOptions>;
  token?: string;
  settings?: Partial<PairSettings>;
  engine?: Partial<SyncEngineOptions>;
}

/**
 * A sync engine on a fresh temp folder against a real reference server, with the real hasher pool and
 * a real SQLite state file: the world a test needs in one call.
 */
export class EngineHarness {
  engine!: SyncEngine;
  state!: PairState;
  hasher!: HasherPool;
  provider!: RemoteProvider;

  private constructor(
    readonly root: string,
    readonly stateFile: string,
    readonly server: TestServer,
    private readonly options: HarnessOptions,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(options: HarnessOptions = {}): Promise<EngineHarness> {
    const temp = await makeTempDir('hoist-engine-');
    const root = join(temp.path, 'folder');
    await mkdir(root);
    const server = await startTestServer(options.server);
    const harness = new EngineHarness(root, join(temp.path, 'state.db'), server, options, async () => {
      await server.close();
      await temp.remove();
    });
    harness.open();
    return harness;
  }

  private open(): void {
    const kind = this.options.kind ?? 'local';
    this.provider = createProvider({
      kind,
      baseUrl: this.server.url,
      token: this.options.token ?? TEST_USERS.alice.token,
    });
    this.hasher = new HasherPool({ size: 2 });
    this.state = openPairState(this.stateFile);
    this.engine = new SyncEngine({
      root: this.root,
      state: this.state,
      provider: this.provider,
      hasher: this.hasher,
      retry: FAST_RETRY,
      settleMs: 20,
      ...(this.options.settings ? { settings: this.options.settings } : {}),
      ...this.options.engine,
    });
  }

  /** Closes engine, hasher, provider and DB, and opens them again on the same folder and DB. */
  async restart(overrides: Partial<HarnessOptions> = {}): Promise<void> {
    await this.closeEngine();
    Object.assign(this.options, overrides);
    this.open();
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
  async storedBytes(key: string, namespace = 'alloy'): Promise<Buffer> {
    const catalog = new Database(join(this.server.dataDir, 'catalog.db'), { readonly: true });
    try {
      const row = catalog.prepare('SELECT blob FROM objects WHERE ns = ? AND key = ?').get(namespace, key) as
        { blob: string } | undefined;
      if (!row) throw new Error(`No stored object ${namespace}/${key}`);
      return await readFile(join(this.server.dataDir, 'blobs', row.blob));
    } finally {
      catalog.close();
    }
  }

  private async closeEngine(): Promise<void> {
    await this.engine.stop();
    await this.hasher.close();
    await this.provider.close();
    this.state.close();
  }

  async close(): Promise<void> {
    await this.closeEngine().catch(() => undefined);
    await this.cleanup();
  }
}
