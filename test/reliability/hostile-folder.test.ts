// Past 300 lines on purpose: one scenario per hostile thing a folder can hold (issue 11), each a few
// real `hoist sync` runs; they share the setup and the checks below, which is why they stay together.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses, type Cli } from '../support/cli-process.js';
import { EngineHarness } from '../support/engine-harness.js';
import { activityLog, entriesFor, md5, remoteContents } from '../support/pair-inspection.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { readStoredStatus } from '../../electron/engine/stored-status.js';

// A hostile folder (issue 11): links in circles, names other systems forbid, files that turn into
// folders, permissions pulled away under a running engine, a file gone between its hash and its
// upload, 20,000 files in one directory. Each ends with the right outcome (synced, or skipped and
// reported once with a reason in words in the summary, `status --json` and the activity log),
// nothing lost and counts that are true.

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-hostile-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  // Whatever a test made unreadable must be removable.
  execFileSync('chmod', ['-R', 'u+rwx', home.path]);
  await home.remove();
});

const stateRoot = (): string => join(home.path, 'state');
const remoteArgs = (): string[] => ['--provider', 'local', '--remote', server.url, '--state', stateRoot()];
const syncOnce = (folder: string, more: string[] = [], prefix: string[] = [], timeoutMs = 60_000) =>
  processes.run(['sync', folder, '--once', ...more, ...remoteArgs()], { env, prefix, timeoutMs });
const puts = (): number => server.server.requestCounts.get('object.put') ?? 0;

interface StatusReport {
  counts: { total: number; synced: number; pending: number; failed: number; deleted: number };
  notSyncedCount: { needsAttention: number; onPurpose: number; notTracked: number };
  notSynced: Array<{ path: string; reason: string; message: string; retryAt: number | null }>;
  skipped: Array<{ path: string; message: string }>;
  unreadable: Array<{ path: string; message: string }>;
  vanished: Array<{ path: string; message: string }>;
}

async function status(folder: string): Promise<StatusReport> {
  const result = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
  expect(result.code, result.stderr).toBe(0);
  const [report] = JSON.parse(result.stdout) as StatusReport[];
  if (report === undefined) throw new Error(`No status for ${folder}: ${result.stdout}`);
  return report;
}

async function folderWith(files: Record<string, string>): Promise<string> {
  const root = join(home.path, 'folder');
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** MD5 by path of what the folder's regular files hold now. */
async function localContents(folder: string, paths: string[]): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const path of paths) contents.set(path, md5(await readFile(join(folder, ...path.split('/')))));
  return contents;
}

/** Lines of `text` that report `path` as skipped (the per-file line, not the summary's list). */
const skippedLines = (text: string, path: string): string[] =>
  text.split('\n').filter((line) => line.startsWith('skipped') && line.includes(` ${path} — `));

describe('links that lead in circles or out of the folder', () => {
  it('a loop a → b → a, a self-link and a folder link to its parent: skipped once each, the rest synced', async () => {
    const folder = await folderWith({ 'real.txt': 'real', 'sub/inner.txt': 'inner' });
    await symlink('b', join(folder, 'a'));
    await symlink('a', join(folder, 'b'));
    await symlink('self', join(folder, 'self'));
    await symlink('..', join(folder, 'sub', 'up'));
    const looped = ['a', 'b', 'self', 'sub/up'];

    for (let run = 0; run < 2; run++) {
      const sync = await syncOnce(folder);
      expect(sync.code, sync.stdout + sync.stderr).toBe(0);
      expect(sync.stdout).toMatch(new RegExp(`Skipped \\(${looped.length}\\), not synced by design:`));
      for (const path of looped) {
        expect(skippedLines(sync.stdout, path), path).toHaveLength(1);
        expect(sync.stdout).toContain(`  ${path}: A symbolic link: not followed, so not synced`);
      }
    }
    expect(await remoteContents(server.dataDir)).toEqual(
      await localContents(folder, ['real.txt', 'sub/inner.txt']),
    );
    const report = await status(folder);
    expect(report.skipped.map((entry) => entry.path).sort()).toEqual(looped);
    expect(report.counts).toMatchObject({ total: 2, synced: 2 });
    // Once per run (two runs), never once per scan or per retry.
    const log = await activityLog(stateRoot());
    for (const path of looped) expect(entriesFor(log, path, 'skipped'), path).toHaveLength(2);
  });

  it('links and a FIFO made while hoist sync watches are reported once, with the same words', async () => {
    const folder = await folderWith({ 'real.txt': 'real' });
    const watch = processes.spawn(['sync', folder, ...remoteArgs()], env);
    await watch.waitForStdout(/Watching /, 60_000);
    await symlink('loop2', join(folder, 'loop1'));
    await symlink('loop1', join(folder, 'loop2'));
    await symlink('/etc', join(folder, 'outside'));
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    await writeFile(join(folder, 'after.txt'), 'after');
    await until('after.txt is on the remote', async () =>
      (await remoteContents(server.dataDir)).has('after.txt'),
    );
    for (const path of ['loop1', 'loop2', 'outside', 'pipe']) {
      await watch.waitForStdout(new RegExp(`skipped +${path} — `), 10_000);
    }
    // Touched again: still said once.
    execFileSync('touch', ['-h', join(folder, 'loop1'), join(folder, 'pipe')]);
    await writeFile(join(folder, 'later.txt'), 'later');
    await until('later.txt is on the remote', async () =>
      (await remoteContents(server.dataDir)).has('later.txt'),
    );
    await stop(watch);
    expect(skippedLines(watch.stdout(), 'loop1')).toHaveLength(1);
    expect(skippedLines(watch.stdout(), 'pipe')).toHaveLength(1);
    expect(watch.stdout()).toMatch(/pipe — A special file \(FIFO, socket or device\)/);
    const report = await status(folder);
    expect(report.skipped.map((entry) => entry.path).sort()).toEqual(['loop1', 'loop2', 'outside', 'pipe']);
    const log = await activityLog(stateRoot());
    for (const path of ['loop1', 'loop2', 'outside', 'pipe']) {
      expect(entriesFor(log, path, 'skipped'), path).toHaveLength(1);
    }
  });
});

describe('names other systems forbid', () => {
  const names = [
    'CON',
    'aux.txt',
    'a:b',
    'trailing.',
    'trailing space ',
    '*?<>|"',
    'x'.repeat(255),
    // 255 bytes of two-byte characters and one more: the limit counted in bytes, not characters.
    `${'é'.repeat(127)}x`,
    'Case.txt',
    'case.txt',
    'two\nlines.txt',
    'tab\tand\\backslash',
    'nul?:dir/inner:file.txt',
    '%41 percent.txt',
  ];

  it('all synced under names that come back the same; an undecodable name is reported once', async () => {
    const files = Object.fromEntries(names.map((name, index) => [name, `content ${index} of ${name}`]));
    const folder = await folderWith(files);
    // Bytes that are not UTF-8: Linux allows them, no remote can name them.
    const invalid = Buffer.concat([
      Buffer.from(`${folder}/bad`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.txt'),
    ]);
    writeFileSync(invalid, 'undecodable');

    const first = await syncOnce(folder);
    // Not everything could be synced (the undecodable name), so exit 1, and it is named.
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`: ${names.length} uploaded .* 1 not synced`));
    expect(first.stderr).toMatch(
      /Not synced \(1\):\n {2}bad\\xff\\xfe\.txt: .*“bad\\xff\\xfe\.txt” is not valid UTF-8; rename the file/,
    );
    // Printed escaped: one line per name.
    expect(first.stdout).toMatch(/uploaded +two\\nlines\.txt — Uploaded/);
    expect(first.stdout).toMatch(/uploaded +tab\\tand\\\\backslash — Uploaded/);

    // The remote holds every other name, each decoding back to its path, with its bytes.
    expect(await remoteContents(server.dataDir)).toEqual(await localContents(folder, names));
    const report = await status(folder);
    expect(report.counts).toMatchObject({ total: names.length, synced: names.length, pending: 0, failed: 0 });
    // In JSON the bytes that are not UTF-8 are kept exactly, as lone surrogates (`\udcff`, as
    // Python's surrogateescape reads them); the activity log, for people, shows them `\xNN`.
    expect(report.unreadable).toEqual([
      { path: 'bad\uDCFF\uDCFE.txt', message: expect.stringMatching(/is not valid UTF-8; rename the file/) },
    ]);
    expect(report.notSyncedCount).toEqual({
      needsAttention: 1,
      onPurpose: 0,
      notTracked: 1,
      uploadedButUnusable: 0,
    });
    expect(report.notSynced).toEqual([
      expect.objectContaining({ path: 'bad\uDCFF\uDCFE.txt', reason: 'bad-name' }),
    ]);
    expect(entriesFor(await activityLog(stateRoot()), 'bad\\xff\\xfe.txt')).toHaveLength(1);

    // A second run uploads nothing again and counts the same.
    const putsBefore = puts();
    const second = await syncOnce(folder);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/: 0 uploaded .* 1 not synced/);
    expect(puts()).toBe(putsBefore);
    expect((await status(folder)).counts).toMatchObject({ total: names.length, synced: names.length });
  });
});

describe('a file replaced by a folder, a folder by a file', () => {
  const fillers = Object.fromEntries(
    Array.from({ length: 6 }, (_, index) => [`keep${index}.txt`, `keep ${index}`]),
  );
  const replace = async (folder: string): Promise<void> => {
    await rm(join(folder, 'x.txt'));
    await mkdir(join(folder, 'x.txt'));
    await writeFile(join(folder, 'x.txt', 'inner.txt'), 'now a folder');
    await rm(join(folder, 'd'), { recursive: true });
    await writeFile(join(folder, 'd'), 'now a file');
  };
  const after = ['d', 'x.txt/inner.txt', ...Object.keys(fillers)];

  it('between runs: the new tree syncs, the old paths go from the remote, which equals the folder', async () => {
    const folder = await folderWith({
      'x.txt': 'a file',
      'd/one.txt': 'one',
      'd/two.txt': 'two',
      ...fillers,
    });
    expect((await syncOnce(folder, ['--delete-remote'])).code).toBe(0);
    await replace(folder);
    const sync = await syncOnce(folder, ['--delete-remote']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/: 2 uploaded .* 0 not synced/);
    expect(await remoteContents(server.dataDir)).toEqual(await localContents(folder, after));
    const report = await status(folder);
    expect(report.counts).toMatchObject({ total: after.length, synced: after.length, pending: 0 });
    expect(report.notSynced).toEqual([]);
  });

  it('while hoist sync watches: the same, without a restart', async () => {
    const folder = await folderWith({
      'x.txt': 'a file',
      'd/one.txt': 'one',
      'd/two.txt': 'two',
      ...fillers,
    });
    const watch = processes.spawn(['sync', folder, '--delete-remote', ...remoteArgs()], env);
    await watch.waitForStdout(/Watching /, 60_000);
    await until('the first sync is done', async () => (await remoteContents(server.dataDir)).size === 9);
    await replace(folder);
    const expected = await localContents(folder, after);
    await until('the remote equals the folder', async () => {
      const remote = await remoteContents(server.dataDir);
      return JSON.stringify([...remote].sort()) === JSON.stringify([...expected].sort());
    });
    await stop(watch);
    expect(watch.stderr()).not.toMatch(/internal error|unhandled/i);
    const report = await status(folder);
    expect(report.counts).toMatchObject({ total: after.length, synced: after.length, pending: 0 });
  });
});

describe('permissions changed under the engine', () => {
  // As root, chmod stops no read: the runs below drop the capabilities that let root read anything
  // (unprivileged.ts), so a mode of 000 means for them what it means for anyone.
  const prefix = unprivilegedPrefix();
  const assertModesBind = async (file: string): Promise<void> => {
    const [command, ...args] = [...prefix, 'cat', file];
    expect(() => execFileSync(command!, args, { stdio: 'pipe' })).toThrow(/Permission denied/);
  };

  it('an unreadable file is not synced, said once with why; readable again, it syncs', async () => {
    const folder = await folderWith({ 'ok.txt': 'ok', 'locked.txt': 'locked' });
    await chmod(join(folder, 'locked.txt'), 0o000);
    await assertModesBind(join(folder, 'locked.txt'));
    const first = await syncOnce(folder, [], prefix);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).toMatch(/: 1 uploaded .* 1 not synced/);
    expect(first.stderr).toMatch(
      /Not synced \(1\):\n {2}locked\.txt: Cannot read ".*locked\.txt": permission denied \(EACCES\)/,
    );
    let report = await status(folder);
    expect(report.notSynced).toEqual([
      {
        path: 'locked.txt',
        reason: 'unreadable',
        message: expect.stringMatching(/permission denied/),
        retryAt: expect.any(Number),
      },
    ]);
    expect(report.notSyncedCount).toEqual({
      needsAttention: 1,
      onPurpose: 0,
      notTracked: 0,
      uploadedButUnusable: 0,
    });
    expect(entriesFor(await activityLog(stateRoot()), 'locked.txt')).toHaveLength(1);

    await chmod(join(folder, 'locked.txt'), 0o644);
    const second = await syncOnce(folder, [], prefix);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/: 1 uploaded .* 0 not synced/);
    expect(await remoteContents(server.dataDir)).toEqual(
      await localContents(folder, ['ok.txt', 'locked.txt']),
    );
    report = await status(folder);
    expect(report.counts).toMatchObject({ total: 2, synced: 2 });
  });

  it('while watching: a file that arrives unreadable is said once, and syncs as soon as it is readable', async () => {
    const folder = await folderWith({ 'ok.txt': 'ok' });
    const watch = processes.spawn(['sync', folder, ...remoteArgs()], env, prefix);
    await watch.waitForStdout(/Watching /, 60_000);
    // Made unreadable before it arrives, so the engine never sees it readable.
    const outside = join(home.path, 'locked.txt');
    await writeFile(outside, 'locked');
    await chmod(outside, 0o000);
    await assertModesBind(outside);
    await rename(outside, join(folder, 'locked.txt'));
    await watch.waitForStdout(
      /FAILED +locked\.txt — Cannot read .*permission denied \(EACCES\); Hoist will try again/,
    );
    expect((await status(folder)).notSynced.map((file) => file.path)).toEqual(['locked.txt']);
    // The engine's own retry would come a minute later; the permission change itself is the cue.
    await chmod(join(folder, 'locked.txt'), 0o644);
    await until(
      'locked.txt is on the remote',
      async () => (await remoteContents(server.dataDir)).has('locked.txt'),
      20_000,
    );
    await stop(watch);
    expect(entriesFor(await activityLog(stateRoot()), 'locked.txt', 'failed')).toHaveLength(1);
    expect((await status(folder)).counts).toMatchObject({ total: 2, synced: 2 });
  });

  it('an unreadable folder: nothing in it is deleted (here or on the remote), it is said once per run', async () => {
    const files: Record<string, string> = { 'private/a.txt': 'a', 'private/b.txt': 'b' };
    for (let index = 0; index < 6; index++) files[`open${index}.txt`] = `open ${index}`;
    const folder = await folderWith(files);
    expect((await syncOnce(folder, ['--delete-remote'], prefix)).code).toBe(0);
    const before = await remoteContents(server.dataDir);
    await chmod(join(folder, 'private'), 0o000);

    const blocked = await syncOnce(folder, ['--delete-remote'], prefix);
    expect(blocked.code, blocked.stdout + blocked.stderr).toBe(1);
    expect(blocked.stderr).toMatch(
      /Not synced \(1\):\n {2}private: Cannot open this folder, so nothing in it is synced/,
    );
    expect(server.server.requestCounts.get('alloy.delete') ?? 0).toBe(0);
    expect(await remoteContents(server.dataDir)).toEqual(before);
    const report = await status(folder);
    expect(report.counts).toMatchObject({ total: 8, synced: 8, deleted: 0 });
    expect(report.unreadable).toEqual([
      { path: 'private', message: expect.stringMatching(/permission denied|EACCES/) },
    ]);

    // Watching: rescans (a removed folder asks for one) do not say it again.
    const logged = (await activityLog(stateRoot())).length;
    const watch = processes.spawn(['sync', folder, '--delete-remote', ...remoteArgs()], env, prefix);
    await watch.waitForStdout(/Watching /, 60_000);
    for (let index = 0; index < 3; index++) {
      await mkdir(join(folder, `gone${index}`));
      await writeFile(join(folder, `gone${index}`, 'f.txt'), `gone ${index}`);
      await until(`gone${index} is on the remote`, async () =>
        (await remoteContents(server.dataDir)).has(`gone${index}/f.txt`),
      );
      await rm(join(folder, `gone${index}`), { recursive: true });
      await until(
        `gone${index} is deleted from the remote`,
        async () => !(await remoteContents(server.dataDir)).has(`gone${index}/f.txt`),
      );
    }
    await stop(watch);
    const watchLog = (await activityLog(stateRoot())).slice(logged);
    expect(entriesFor(watchLog, 'private')).toHaveLength(1);

    await chmod(join(folder, 'private'), 0o755);
    const restored = await syncOnce(folder, ['--delete-remote'], prefix);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/: 0 uploaded/);
    expect(await remoteContents(server.dataDir)).toEqual(before);
  }, 90_000);
});

describe('a file deleted between its hash and its upload', () => {
  let harness: EngineHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('is not uploaded, is said once and listed as vanished; the rest syncs', async () => {
    // Every upload ticket takes 400 ms, asked alone or in a batch: the file is hashed and on its way
    // when it is deleted.
    const slow = { latencyMs: 400 };
    harness = await EngineHarness.create({
      server: {
        faults: { seed: 1, routes: { 'alloy.upload-request': slow, 'alloy.upload-request-batch': slow } },
      },
    });
    const h = harness;
    await h.write('stays.txt', 'stays');
    await h.write('goes.txt', 'goes');
    const running = h.runOnce();
    await until(
      'goes.txt is being uploaded',
      () => h.state.files.get('goes.txt')?.state === 'uploading',
      10_000,
    );
    await rm(h.path('goes.txt'));
    const summary = await running;

    expect(summary.uploaded).toBe(1);
    expect(summary.unsynced).toEqual([]);
    expect(summary.vanished).toEqual([
      { path: 'goes.txt', message: expect.stringMatching(/deleted before it could be uploaded/i) },
    ]);
    expect(h.count('object.put')).toBe(1);
    expect(await h.remotePaths()).toEqual(['stays.txt']);
    const reports = h.state.activity.recent(100).filter((entry) => entry.path === 'goes.txt');
    expect(reports.map((entry) => entry.kind)).toEqual(['deleted-locally']);
    const stored = readStoredStatus(h.state);
    // Not counted as deleted either: with no copy on the remote there is nothing left to delete there.
    expect(stored.counts).toMatchObject({ total: 1, synced: 1, deleted: 0 });
    expect(stored.vanished.map((entry) => entry.path)).toEqual(['goes.txt']);
  });
});

describe('20,000 files in one directory', () => {
  it('all synced, counted right, with peak memory bounded', async () => {
    const count = 20_000;
    const folder = join(home.path, 'folder');
    mkdirSync(folder);
    for (let index = 0; index < count; index++)
      writeFileSync(join(folder, `f${index}.txt`), `file ${index}\n`);
    const run = processes.spawn(['sync', folder, '--once', '--quiet', ...remoteArgs()], env);
    const peak = peakRss(run);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 280_000);
    const exit = await run.exited;
    clearTimeout(timer);
    expect(exit.code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(new RegExp(`: ${count} uploaded .* 0 not synced`));
    // A generous safety bound, not a benchmark (100,000 files peak near 450 MB; docs/benchmarks.md).
    expect(peak.value(), 'peak RSS in bytes').toBeLessThan(400 * 1024 * 1024);
    const remote = await remoteContents(server.dataDir);
    expect(remote.size).toBe(count);
    expect(remote.get('f19999.txt')).toBe(md5('file 19999\n'));
    expect((await status(folder)).counts).toMatchObject({ total: count, synced: count, pending: 0 });
  }, 300_000);
});

async function stop(cli: Cli): Promise<void> {
  cli.child.kill('SIGTERM');
  const exit = await cli.exited;
  expect(exit.code, cli.stdout() + cli.stderr()).toBe(0);
}

/** The highest VmHWM (peak resident set) /proc reports for the process while it runs. */
function peakRss(cli: Cli): { value: () => number } {
  let peak = 0;
  const sample = (): void => {
    try {
      const text = readFileSync(`/proc/${cli.child.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(text);
      if (kb) peak = Math.max(peak, Number(kb[1]) * 1024);
    } catch {
      // Gone: the last sample stands.
    }
  };
  const timer = setInterval(sample, 200);
  void cli.exited.then(() => clearInterval(timer));
  return { value: () => peak };
}
