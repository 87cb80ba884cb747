import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_START_FLAGS } from '../../../electron/base/node-memory-flags.js';

/** The repository root: the nearest folder above this module with a package.json (dist/ or sources). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (no package.json above the bench)');
    dir = parent;
  }
}

export const ROOT = findRoot();
/** Where every bench writes its JSON (gitignored). */
export const RESULTS_DIR = join(ROOT, 'bench-results');
/** Big generated inputs, kept between runs (shared with hash.bench and server-put.bench). */
export const WORK_DIR = join(tmpdir(), 'hoist-bench');
/** The built `hoist` command. */
export const CLI = join(ROOT, 'dist', 'electron', 'cli', 'main.js');
/** Node's arguments that run it as `bin/hoist` does: V8's memory flags first (node-memory-flags.ts). */
export const HOIST: readonly string[] = [...NODE_START_FLAGS, CLI];
