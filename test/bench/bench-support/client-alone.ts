import { join } from 'node:path';
import { runSyncOnce, startRemote } from './hoist.js';
import { readCpuSeconds } from './proc-stats.js';
import { makeTempDir } from './temp.js';
import type { Tree } from './tree.js';

export interface ClientAloneRun {
  seconds: number;
  /** The `hoist sync` process's CPU (user + system). */
  cpuSeconds: number | null;
  peakRssBytes: number | null;
  /** The `hoist remote` process's CPU over the run. */
  serverCpuSeconds: number | null;
}

/**
 * The initial sync of `tree` by `hoist sync --once -c 4` to a `hoist remote` (fs, no fsync) in its
 * own process: the client's memory and CPU alone, where the bench's 100k initial sync (embedded
 * remote) counts the server's thread with them (issue 18: "initial sync peak RSS < 300 MB").
 */
export async function clientAloneInitialSync(tree: Tree, timeoutMs: number): Promise<ClientAloneRun> {
  const temp = await makeTempDir('sync-100k-client-');
  const server = await startRemote({
    dataDir: join(temp.path, 'remote'),
    backend: { kind: 'fs', fsync: false },
    log: false,
  });
  try {
    const before = await readCpuSeconds(server.child.pid);
    const run = await runSyncOnce(
      { folder: tree.root, stateDir: join(temp.path, 'state'), remote: server, concurrency: 4 },
      timeoutMs,
    );
    if (run.summary?.uploaded !== tree.files) {
      throw new Error(`the client alone uploaded ${run.summary?.uploaded} of ${tree.files} files`);
    }
    const after = await readCpuSeconds(server.child.pid);
    return {
      seconds: run.seconds,
      cpuSeconds: run.memory?.cpuSeconds ?? null,
      peakRssBytes: run.memory?.peakBytes ?? null,
      serverCpuSeconds: before !== null && after !== null ? Math.round((after - before) * 100) / 100 : null,
    };
  } finally {
    await server.stop();
    await temp.remove();
  }
}
