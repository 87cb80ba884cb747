import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Node ≥ 22.1 can keep V8's compiled code of every module it loads on disk and reuse it on the next
 * run: much of a short run (`hoist sync --once` over an empty or unchanged folder) is compiling Hoist
 * and its dependencies again (docs/benchmarks.md, Start-up). Called first thing, before the commands'
 * modules are imported. The cache lives where Node puts it by default (os.tmpdir()/node-compile-cache,
 * or NODE_COMPILE_CACHE), keyed by Node version and each file's contents, so a stale entry is never
 * used; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Older Nodes (20) have no such API: nothing happens.
 */
export function enableCompileCache(): void {
  // @types/node is pinned to Node 20, which has no such function.
  const enable = (module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
  if (enable === undefined) return;
  const directory = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
  // The call covers this thread only; worker threads (the embedded remote, the hash workers) read the
  // variable when they start, as they inherit this environment.
  process.env.NODE_COMPILE_CACHE = directory;
  try {
    enable(directory);
  } catch {
    // A cache that cannot be written (a read-only tmp) only costs the speed-up.
  }
}
