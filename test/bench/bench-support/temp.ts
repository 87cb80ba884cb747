import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { WORK_DIR } from './paths.js';

const RM_OPTIONS = { recursive: true, force: true, maxRetries: 5, retryDelay: 200 } as const;

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh directory under os.tmpdir()/hoist-bench/tmp, removed on `remove()` or at cleanup. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const parent = join(WORK_DIR, 'tmp');
  await mkdir(parent, { recursive: true });
  const path = await mkdtemp(join(parent, prefix));
  // Retries: a process that just exited may still have files vanishing (SQLite's -wal/-shm) under us.
  const unregister = onCleanup(() => rm(path, RM_OPTIONS));
  return {
    path,
    remove: async () => {
      unregister();
      await rm(path, RM_OPTIONS);
    },
  };
}
