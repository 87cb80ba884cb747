import { setFlagsFromString } from 'node:v8';

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
 * 0.05 s of CPU (0.41 → 0.45 s, the collections of a heap growing from nothing), so it is not given
 * at start: see `growHeapSlowly` below.
 *
 * Not applied to the desktop app's core (Electron's utility process): its flags would go to
 * `utilityProcess.fork`, which cannot be tried where no Electron binary runs.
 */
export const NODE_START_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** How much V8's old generation may grow past what a full collection left, in percent (see below). */
export const HEAP_GROWING_PERCENT = 20;

let growingSlowly = false;

/**
 * From now on, V8 grows the old generation by 20% past what each full collection leaves, instead of
 * its default, which lets it double (and more) while a sync's stream of short-lived rows, requests and
 * paths goes through. Called as a folder opens (host/open-pair.ts), once start-up is done: given at
 * start, the same setting cost every run ~0.05 s of collections while the modules load. Measured
 * (2-core VM, Node 24.22, 2026-12-07, docs/benchmarks.md "Memory flags"): the initial sync of
 * 100,000 small files to a `hoist remote` in its own process peaked at 222 MB of client RSS with it
 * (three runs) against 268–291 MB without, at the same CPU within the noise (86–92 s), and with the
 * embedded remote in the process 279–283 MB against 370–415 MB; an empty folder's run 0.32–0.43 s
 * against 0.27–0.40 s, the same within the noise (8 alternating runs). What it costs: a no-change
 * run over those 100,000 files collects more often while its scan fills the heap, +0.15 s of CPU
 * and +0.07–0.11 s of wall time on average (1.32–1.40 s against 1.25–1.29 s, two sets of 6
 * alternating runs). Set later instead (when the first files are hashed) it saved nothing: the
 * heap had grown during the scan already.
 *
 * Node warns that flags changed after start-up may act unpredictably. This one is a number V8 reads
 * each time it sets the heap's next limit, and nothing but memory depends on it; if a later V8
 * ignored it, the benchmark's 100,000-file peak (`100k.client.peakRss`) would show it. Once per
 * process: it applies to every isolate (the embedded remote's and the hash workers' too).
 */
export function growHeapSlowly(): void {
  if (growingSlowly) return;
  growingSlowly = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
