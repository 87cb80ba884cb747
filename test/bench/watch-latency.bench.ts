/**
 * How soon a file written into a watched folder is on the remote. Run it with `npm run bench` (all
 * benches) or `npm run build:node && node dist/test/bench/watch-latency.bench.js`. Not a test: it
 * prints a table, writes bench-results/watch-latency.json and exits 0 unless something broke.
 *
 * `hoist remote` (fs backend, defaults) and `hoist sync <folder> --provider local --remote <url>` in
 * watch mode, both in temp dirs. Once Hoist prints "Watching", files are written one at a time
 * (`--files`, default 50, of `--size` bytes, default 4 KiB, one every `--interval-ms`, default 200).
 * For each file the latency runs from just before its write starts to:
 * - "on the remote": the first Alloy list (polled every ~20 ms, one request at a time) that has it,
 *   taken when that list's answer arrived — the goal, p50 < 1 s;
 * - "uploaded line": Hoist printing `uploaded  <path>`, timestamped as the line reaches this process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLog, runBench, runCleanups } from './bench-support/cleanup.js';
import { startRemote, startWatch, type RemoteServer } from './bench-support/hoist.js';
import { figure, MB, renderTable, writeResult, type Figure } from './bench-support/report.js';
import { makeTempDir } from './bench-support/temp.js';
import { median, nowMs, percentile, round, sleep } from './bench-support/timing.js';

const log = benchLog('watch-latency');

const BENCH = 'watch-latency';
const GOAL_P50_MS = 1000;
const POLL_GAP_MS = 20;
const SETTLE_AFTER_LAST_MS = 30_000;

interface FileTiming {
  path: string;
  writeStartedAt: number;
  writeDoneAt: number;
  uploadedLineAt: number | null;
  listedAt: number | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '50' },
      size: { type: 'string', default: String(4 * 1024) },
      'interval-ms': { type: 'string', default: '200' },
    },
  });
  const count = positiveInteger(values.files, '--files');
  const size = positiveInteger(values.size, '--size');
  const intervalMs = positiveInteger(values['interval-ms'], '--interval-ms');
  const temp = await makeTempDir('watch-latency-');
  let server: RemoteServer | null = null;
  try {
    const folder = join(temp.path, 'folder');
    await mkdir(folder);
    server = await startRemote({ dataDir: join(temp.path, 'remote'), backend: { kind: 'fs' } });
    const startedAt = nowMs();
    const { child, watchingAt } = await startWatch(
      { folder, stateDir: join(temp.path, 'state'), remote: server, quiet: false },
      60_000,
    );
    log(`hoist is watching ${folder} (${((watchingAt - startedAt) / 1000).toFixed(2)} s after spawn)`);
    // Let the start-up refresh and scan finish before the first write.
    await sleep(1000);

    const timings = new Map<string, FileTiming>();
    child.onLine((line) => {
      const match = /^uploaded\s+(\S.*?) — /.exec(line.text);
      const timing = match ? timings.get(match[1] as string) : undefined;
      if (timing && timing.uploadedLineAt === null) timing.uploadedLineAt = line.at;
    });

    let polling = true;
    const listDurations: number[] = [];
    const poller = (async () => {
      while (polling) {
        const started = nowMs();
        const files = await (server as RemoteServer).list();
        const answeredAt = nowMs();
        listDurations.push(answeredAt - started);
        for (const file of files) {
          const timing = timings.get(file.filename);
          if (timing && timing.listedAt === null) timing.listedAt = answeredAt;
        }
        await sleep(POLL_GAP_MS);
      }
    })();

    const before = server.routeCounts();
    for (let index = 0; index < count; index++) {
      const path = `note-${String(index).padStart(3, '0')}.txt`;
      const content = randomBytes(size);
      const writeStartedAt = nowMs();
      const timing: FileTiming = {
        path,
        writeStartedAt,
        writeDoneAt: 0,
        uploadedLineAt: null,
        listedAt: null,
      };
      timings.set(path, timing);
      await writeFile(join(folder, path), content);
      timing.writeDoneAt = nowMs();
      const next = writeStartedAt + intervalMs;
      if (index < count - 1) await sleep(Math.max(0, next - nowMs()));
    }
    const deadline = nowMs() + SETTLE_AFTER_LAST_MS;
    while (nowMs() < deadline && [...timings.values()].some((timing) => timing.listedAt === null))
      await sleep(50);
    polling = false;
    await poller;

    const memory = child.memory?.peakBytes ?? null;
    const exit = await child.stop('SIGTERM', 15_000);
    const routes = diffRoutes(server.routeCounts(), before);
    const files = [...timings.values()];
    const listed = files
      .filter((file) => file.listedAt !== null)
      .map((file) => (file.listedAt as number) - file.writeStartedAt);
    const lined = files
      .filter((file) => file.uploadedLineAt !== null)
      .map((file) => (file.uploadedLineAt as number) - file.writeStartedAt);
    const missing = files.filter((file) => file.listedAt === null).map((file) => file.path);
    if (missing.length > 0)
      log(`WARNING: ${missing.length} file(s) never showed up on the remote: ${missing.join(', ')}`);
    log(
      `hoist stopped (code ${exit.code}, signal ${exit.signal}); list answered in ${median(listDurations).toFixed(1)} ms (median)`,
    );

    const p = (values: number[], at: number): number | null =>
      values.length > 0 ? round(percentile(values, at), 1) : null;
    const figures: Figure[] = [
      figure(
        BENCH,
        'onRemote.p50',
        `write → on the remote (Alloy list), p50 of ${count}`,
        p(listed, 50),
        'ms',
        {
          op: '<',
          value: GOAL_P50_MS,
        },
      ),
      figure(BENCH, 'onRemote.p95', 'write → on the remote (Alloy list), p95', p(listed, 95), 'ms'),
      figure(
        BENCH,
        'onRemote.max',
        'write → on the remote (Alloy list), max',
        listed.length > 0 ? Math.max(...listed) : null,
        'ms',
      ),
      figure(BENCH, 'uploadedLine.p50', 'write → "uploaded" line from hoist, p50', p(lined, 50), 'ms'),
      figure(BENCH, 'uploadedLine.p95', 'write → "uploaded" line from hoist, p95', p(lined, 95), 'ms'),
      figure(BENCH, 'missing', 'files never seen on the remote', missing.length, 'files', {
        op: '<=',
        value: 0,
      }),
    ];
    console.log('');
    console.log(renderTable(figures));
    const file = await writeResult({
      bench: BENCH,
      figures,
      details: {
        files: count,
        fileBytes: size,
        intervalMs,
        pollGapMs: POLL_GAP_MS,
        listMedianMs: round(median(listDurations), 2),
        listCalls: listDurations.length,
        hoistPeakRssMB: memory === null ? null : round(memory / MB, 1),
        serverRequestsDuringWrites: routes,
        timings: files.map((timing) => ({
          path: timing.path,
          writeMs: round(timing.writeDoneAt - timing.writeStartedAt, 2),
          onRemoteMs: timing.listedAt === null ? null : round(timing.listedAt - timing.writeStartedAt, 1),
          uploadedLineMs:
            timing.uploadedLineAt === null ? null : round(timing.uploadedLineAt - timing.writeStartedAt, 1),
        })),
      },
    });
    log(`results written to ${file}`);
  } finally {
    await server?.stop();
    await temp.remove();
    await runCleanups();
  }
}

function diffRoutes(
  after: Record<string, { count: number; totalMs: number }>,
  before: Record<string, { count: number; totalMs: number }>,
): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [route, value] of Object.entries(after)) {
    const count = value.count - (before[route]?.count ?? 0);
    if (count > 0) diff[route] = count;
  }
  return diff;
}

function positiveInteger(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a positive integer`);
  return number;
}

runBench('watch-latency', main);
