/**
 * Everything a bench starts (child processes, temp dirs) registers how to undo it here, so a failed
 * run, Ctrl-C or SIGTERM still stops servers and removes temp files. Cleanups run newest first.
 */
type Cleanup = () => Promise<void> | void;

const cleanups: Cleanup[] = [];
let installed = false;
let running: Promise<void> | null = null;

/** Registers `cleanup`; the returned function unregisters it (call it once the thing is undone). */
export function onCleanup(cleanup: Cleanup): () => void {
  installSignalHandlers();
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.lastIndexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

/** Runs every registered cleanup (newest first); errors are logged, never thrown. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop() as Cleanup;
      try {
        await cleanup();
      } catch (error) {
        console.error(`[bench] cleanup failed: ${String(error)}`);
      }
    }
    running = null;
  })();
  return running;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`[bench] ${signal}: cleaning up…`);
      void runCleanups().finally(() =>
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)),
      );
    });
  }
}

/** The `[bench:<name>]`-prefixed line printer every bench logs with. */
export function benchLog(name: string): (line: string) => void {
  return (line) => console.log(`[bench:${name}] ${line}`);
}

/**
 * Runs a bench's main: on failure, prints the error, undoes what it started and exits non-zero
 * (scripts/bench.mjs then reports the bench as broken).
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch(async (error: unknown) => {
    console.error(
      `[bench:${name}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await runCleanups();
    process.exitCode = 1;
  });
}
