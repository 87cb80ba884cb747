import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hoistEnv } from './hoist.js';
import { HOIST } from './paths.js';
import { makeTempDir } from './temp.js';
import { median, round } from './timing.js';

const run = promisify(execFile);

export interface EmptyFolderCpu {
  /** Median CPU seconds (utime + stime, all threads) of one `hoist sync <empty> --once`. */
  medianSeconds: number;
  /** Each measured run, in order. */
  runs: number[];
  /** The first run, which also creates the data root, the state DB and the remote's files. */
  firstRunSeconds: number;
}

/**
 * The fixed cost of a run (issue 18: < 0.4 s): `hoist sync <empty folder> --once` against the
 * embedded remote, start to exit. CPU is bash's `times` for its finished child, which counts every
 * thread (the embedded remote's and the hash workers' too) up to the very end, where sampling
 * /proc/<pid>/stat would miss the last moments of so short a run.
 */
export async function emptyFolderCpu(runs: number): Promise<EmptyFolderCpu> {
  const temp = await makeTempDir('empty-once');
  try {
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    const env = hoistEnv({ HOIST_HOME: join(temp.path, 'home') });
    const once = async (): Promise<number> => {
      const { stdout } = await run(
        'bash',
        [
          '-c',
          '"$@" >/dev/null 2>&1 || exit; times',
          'bash',
          process.execPath,
          ...HOIST,
          'sync',
          folder,
          '--once',
        ],
        { env, timeout: 60_000 },
      );
      return childCpuSeconds(stdout);
    };
    const firstRunSeconds = await once();
    const measured: number[] = [];
    for (let index = 0; index < runs; index++) measured.push(await once());
    return { medianSeconds: round(median(measured)), runs: measured, firstRunSeconds };
  } finally {
    await temp.remove();
  }
}

/** `times` prints the shell's own user/sys, then its children's: "0m1.234s 0m0.056s". */
function childCpuSeconds(times: string): number {
  const children = times.trim().split('\n')[1] ?? '';
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (match) => Number(match[1]) * 60 + Number(match[2]),
  );
  if (parts.length !== 2) throw new Error(`unexpected output of bash times: ${JSON.stringify(times)}`);
  return round((parts[0] ?? 0) + (parts[1] ?? 0));
}
