import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { spawnChild } from './child.js';
import { runSyncOnce } from './hoist.js';
import { ROOT, WORK_DIR } from './paths.js';
import { makeTempDir, type TempDir } from './temp.js';
import type { Tree } from './tree.js';

/** What the initial sync that produced a synced state measured. */
export interface InitialSync {
  seconds: number;
  peakRssBytes: number | null;
  cpuSeconds: number | null;
  rssTimeline: Array<[number, number]>;
  date: string;
  /** The build (hash of dist/electron and dist/shared) it ran. */
  build: string;
  /** True when this run reused it from the cache instead of running it. */
  reused?: boolean;
}

export interface SyncedState {
  /** A private copy of the state root (pair DB + embedded remote), after the initial sync. */
  stateDir: string;
  initial: InitialSync;
  temp: TempDir;
}

/**
 * A state root in which `tree` has been fully synced with the embedded remote (`hoist sync <tree>
 * --once --state <dir>`), for benches that measure what comes after the initial sync. The initial sync
 * of 100,000 files takes minutes, so it runs once per build and tree: its result is kept under
 * os.tmpdir()/hoist-bench/synced/ with what it measured, and each caller gets its own copy. Any change
 * to the built engine, server or CLI (dist/) means a new initial sync; `fresh` forces one.
 */
export async function syncedState(
  tree: Tree,
  log: (line: string) => void,
  options: { fresh?: boolean } = {},
): Promise<SyncedState> {
  const build = await buildHash();
  const base = join(WORK_DIR, 'synced');
  const key = createHash('sha256').update(`${tree.root}\n${build}`).digest('hex').slice(0, 12);
  const cache = join(base, `${tree.spec.name}-${key}`);
  if (options.fresh === true) await rm(cache, { recursive: true, force: true });
  let initial = await readInitial(cache);
  if (initial === null) {
    await mkdir(base, { recursive: true });
    // Older builds' states are dead weight (hundreds of MB each).
    for (const name of await readdir(base)) {
      if (name.startsWith(`${tree.spec.name}-`)) await rm(join(base, name), { recursive: true, force: true });
    }
    const partial = `${cache}.partial-${process.pid}`;
    await mkdir(partial, { recursive: true });
    try {
      log(`initial sync of tree ${tree.spec.name} (embedded remote; kept for this build under ${base}) …`);
      const run = await runSyncOnce({ folder: tree.root, stateDir: join(partial, 'state') }, 60 * 60_000);
      if (run.summary?.uploaded !== tree.files || run.summary.notSynced !== 0) {
        throw new Error(`the initial sync uploaded ${run.summary?.uploaded} of ${tree.files} files`);
      }
      initial = {
        seconds: run.seconds,
        peakRssBytes: run.memory?.peakBytes ?? null,
        cpuSeconds: run.memory?.cpuSeconds ?? null,
        rssTimeline: run.memory?.timeline ?? [],
        date: new Date().toISOString(),
        build,
      };
      await writeFile(join(partial, 'initial.json'), `${JSON.stringify(initial)}\n`);
      await rename(partial, cache);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    }
  } else {
    initial = { ...initial, reused: true };
    log(`reusing the synced state of tree ${tree.spec.name} from ${initial.date} (same build)`);
  }
  const temp = await makeTempDir(`synced-${tree.spec.name}-`);
  const copy = spawnChild('cp', ['-a', join(cache, 'state'), temp.path], { label: 'cp' });
  const exit = await copy.wait(10 * 60_000);
  if (exit.code !== 0) throw new Error(`copying the synced state failed\n${copy.tail()}`);
  return { stateDir: join(temp.path, 'state'), initial, temp };
}

async function readInitial(cache: string): Promise<InitialSync | null> {
  try {
    return JSON.parse(await readFile(join(cache, 'initial.json'), 'utf8')) as InitialSync;
  } catch {
    return null;
  }
}

/** A hash of the built Node code the benches run (dist/electron, dist/shared). */
export async function buildHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['electron', 'shared']) {
    const top = join(ROOT, 'dist', dir);
    const files = (await readdir(top, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of files) hash.update(`${relative(ROOT, file)}\n`).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}
