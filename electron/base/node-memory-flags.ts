/**
 * The V8 flags `bin/hoist` starts Node with, for every command (test/integration/cli-node-runtime.test.ts
 * checks that the two agree; the benchmarks start their `hoist` children with them too, so that they
 * measure what a user runs). They can only be given at start: V8 sizes its heap as the isolate is made.
 *
 * `--max-semi-space-size=4` (MiB): Node 24's default lets the young generation grow to tens of MB, which
 * a sync's stream of short-lived rows, requests and paths fills before each scavenge, and V8 then sizes
 * the old generation from a heap that large. Measured on the 2-core VM (Node 24.22, 2026-12-07;
 * docs/benchmarks.md, "Memory flags"): the initial sync of 100,000 small files to a `hoist remote` in
 * its own process peaked at 363–405 MB of client RSS with V8's defaults (3 runs) and 289 MB with
 * this flag (2 runs; V8's heap 54–91 MB instead of 170–224 MB), at about the same CPU (115–123 s,
 * 118–128 s); an empty folder's run cost 0.38 s of CPU against 0.41 s (8 alternating runs each);
 * 3,000 small files the same CPU within the noise. Slower old-generation growth
 * (`--heap-growing-percent=20`) took the 100,000 files down to 221 MB but cost every run's start-up
 * 0.05 s of CPU (0.41 → 0.45 s, the collections of a heap growing from nothing), so it is not used.
 *
 * Not applied to the desktop app's core (Electron's utility process): its flags would go to
 * `utilityProcess.fork`, which cannot be tried where no Electron binary runs.
 */
export const NODE_START_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
