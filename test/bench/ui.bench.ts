/**
 * `npm run bench -- --only ui`: the UI over `hoist ui` in Debian's Chromium.
 *  1. A 100,000-row mirror: navigation to the first rows visible (goal < 500 ms), frame time p95 while
 *     scrolling top to bottom (goal < 17 ms), renderer JS heap after it (goal < 100 MB).
 *  2. A 10,000-file initial sync to the embedded remote with the window open: bridge messages per
 *     second (goal < 20), and the UI host's share of the hoist process's CPU (goal < 5%): the same
 *     sync run with no window attached is the baseline, the difference is what the UI costs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright';
import { launchChromium } from '../e2e/support/ui-harness.js';
import { pairStateFile } from '../../electron/host/pair-location.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import { seedMirror } from '../support/seed-mirror.js';
import { UI_LINK } from '../support/ui-session.js';
import { spawnChild, type Child } from './bench-support/child.js';
import { benchLog, onCleanup, runBench } from './bench-support/cleanup.js';
import { HOIST } from './bench-support/paths.js';
import { readCpuSeconds } from './bench-support/proc-stats.js';
import { figure, MB, renderTable, writeResult } from './bench-support/report.js';
import { makeTempDir } from './bench-support/temp.js';
import { nowMs, percentile, sleep } from './bench-support/timing.js';

const BENCH = 'ui';
const log = benchLog(BENCH);
const ROWS = 100_000;
const SYNC_FILES = 10_000;

async function startUi(args: string[], dataRoot: string): Promise<{ child: Child; url: string }> {
  const child = spawnChild(process.execPath, [...HOIST, 'ui', '--no-open', '--state', dataRoot, ...args], {
    label: 'hoist ui',
    env: { ...process.env, HOIST_TOKEN: 'bench-token' },
  });
  const { match } = await child.waitForLine(UI_LINK, 60_000);
  return { child, url: match[1] as string };
}

async function mirrorFigures(browser: Browser) {
  const temp = await makeTempDir('ui-mirror-');
  const folder = join(temp.path, 'folder');
  const dataRoot = join(temp.path, 'data');
  await mkdir(folder, { recursive: true });
  // Unreachable on purpose: the refresh fails and the seeded mirror stays as it is.
  const remote = 'http://127.0.0.1:9';
  seedMirror(await pairStateFile(dataRoot, folder, 'local', remoteIdentityOf('local', remote)), ROWS);
  const { child, url } = await startUi([folder, '--provider', 'local', '--remote', remote], dataRoot);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  // The first navigation happens while the engine's start-up scan runs on the same thread (it finds
  // the 50,000 seeded local files missing): reported, but the goal is measured on a second
  // navigation once the window's code is cached and the engine is idle.
  let started = nowMs();
  // The link's fragment is the page key; the page replaces it with its first route.
  await page.goto(url);
  await page.evaluate("location.hash = '#/remote'");
  await page.locator('[role="row"][aria-rowindex="2"]').waitFor({ state: 'visible', timeout: 60_000 });
  const coldMs = nowMs() - started;
  await page
    .getByText('Up to date')
    .or(page.getByText(/Offline|Could not refresh/))
    .first()
    .waitFor({ timeout: 120_000 })
    .catch(() => undefined);
  await page.evaluate("location.hash = '#/sync'");
  await page.getByRole('link', { name: 'Remote files' }).waitFor();
  started = nowMs();
  await page.getByRole('link', { name: 'Remote files' }).click();
  await page.locator('[role="row"][aria-rowindex="2"]').waitFor({ state: 'visible', timeout: 60_000 });
  const firstRowsMs = nowMs() - started;
  log(
    `first rows visible: ${coldMs.toFixed(0)} ms on the first load, ${firstRowsMs.toFixed(0)} ms navigating to Remote files`,
  );
  // Scrolls the grid from top to bottom one step per frame and records every frame's duration.
  const frames = (await page.evaluate(`(async () => {
    const scroller = document.querySelector('.grid-scroll');
    const times = [];
    let last = performance.now();
    const step = scroller.clientHeight * 4;
    while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
      scroller.scrollTop += step;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  })()`)) as number[];
  await page.locator('[role="row"][aria-rowindex="100001"]').waitFor({ state: 'visible', timeout: 60_000 });
  const heap = (await page.evaluate('performance.memory.usedJSHeapSize')) as number;
  const rowsInDom = await page.locator('[role="row"]').count();
  log(
    `${frames.length} frames, p95 ${percentile(frames, 95).toFixed(1)} ms, heap ${(heap / MB).toFixed(1)} MB`,
  );
  await page.context().close();
  await child.stop();
  await temp.remove();
  return { coldMs, firstRowsMs, frames, heap, rowsInDom };
}

async function syncRun(browser: Browser | null) {
  const temp = await makeTempDir('ui-sync-');
  const folder = join(temp.path, 'folder');
  const dataRoot = join(temp.path, 'data');
  for (let dir = 0; dir < SYNC_FILES / 100; dir++) {
    await mkdir(join(folder, `d${dir}`), { recursive: true });
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        writeFile(join(folder, `d${dir}`, `f${index}.txt`), `file ${dir}/${index}\n`.repeat(20)),
      ),
    );
  }
  const { child, url } = await startUi([folder], dataRoot);
  const cpuStart = (await readCpuSeconds(child.pid)) ?? 0;
  const frames: number[] = [];
  let context = null;
  if (browser) {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('websocket', (socket) => socket.on('framereceived', () => frames.push(nowMs())));
    await page.goto(url);
  }
  const started = nowMs();
  const stateFile = await pairStateFile(dataRoot, folder, 'local', remoteIdentityOf('local'));
  for (;;) {
    await sleep(250);
    try {
      const db = new Database(stateFile, { readonly: true, fileMustExist: true });
      const synced = (
        db.prepare("SELECT count(*) AS n FROM local_files WHERE state = 'synced'").get() as { n: number }
      ).n;
      db.close();
      if (synced >= SYNC_FILES) break;
    } catch {
      // Not created yet.
    }
    if (nowMs() - started > 30 * 60_000) throw new Error('the 10,000-file sync did not finish in 30 minutes');
  }
  const seconds = (nowMs() - started) / 1000;
  const cpu = ((await readCpuSeconds(child.pid)) ?? 0) - cpuStart;
  const during = frames.filter((at) => at >= started);
  let peak = 0;
  for (let index = 0; index < during.length; index++) {
    let end = index;
    while (end < during.length && (during[end] as number) < (during[index] as number) + 1000) end++;
    peak = Math.max(peak, end - index);
  }
  await context?.close();
  await child.stop();
  await temp.remove();
  log(
    `${browser ? 'with' : 'without'} a window: ${seconds.toFixed(1)} s, ${cpu.toFixed(1)} CPU s, ${during.length} messages`,
  );
  return { seconds, cpu, messages: during.length, peakPerSecond: peak };
}

async function main(): Promise<void> {
  const browser = await launchChromium(['--enable-precise-memory-info']);
  onCleanup(() => browser.close());
  const mirror = await mirrorFigures(browser);
  const withWindow = await syncRun(browser);
  const without = await syncRun(null);
  await browser.close();
  const share = withWindow.cpu > 0 ? (100 * (withWindow.cpu - without.cpu)) / withWindow.cpu : null;
  const figures = [
    figure(
      BENCH,
      'mirror.firstRowsMs',
      '100,000-row mirror: navigation → first rows visible',
      mirror.firstRowsMs,
      'ms',
      { op: '<', value: 500 },
    ),
    figure(
      BENCH,
      'mirror.scrollFrameP95',
      '  scrolling top to bottom: frame time p95',
      percentile(mirror.frames, 95),
      'ms',
      { op: '<', value: 17 },
      `${mirror.frames.length} frames, ${mirror.rowsInDom} rows in the DOM at the end`,
    ),
    figure(BENCH, 'mirror.heapMB', '  renderer JS heap after scrolling', mirror.heap / MB, 'MB', {
      op: '<',
      value: 100,
    }),
    figure(
      BENCH,
      'sync.messagesPerSecond',
      '10,000-file sync: bridge messages per second (mean)',
      withWindow.messages / withWindow.seconds,
      '/s',
      { op: '<', value: 20 },
      `peak ${withWindow.peakPerSecond} in one second; ${withWindow.messages} in ${withWindow.seconds.toFixed(1)} s`,
    ),
    figure(
      BENCH,
      'sync.uiCpuShare',
      '  UI host share of hoist CPU (with window − without) / with',
      share,
      '%',
      { op: '<', value: 5 },
      `${withWindow.cpu.toFixed(1)} CPU s with the window, ${without.cpu.toFixed(1)} without (one run each: noisy)`,
    ),
  ];
  console.log('');
  console.log(renderTable(figures));
  await writeResult({
    bench: BENCH,
    figures,
    details: { mirror: { ...mirror, frames: mirror.frames.length }, withWindow, without },
  });
}

runBench(BENCH, main);
