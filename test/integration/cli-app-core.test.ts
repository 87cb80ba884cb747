import { execFileSync } from 'node:child_process';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Issue 8: one composition root for every command. Each test here is a defect found by trying the
// CLI as a newcomer would, reproduced and shown fixed through the `hoist` command itself.

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-app-core-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

const state = (): string => join(home.path, 'state');
const remoteArgs = (url = server.url): string[] => [
  '--provider',
  'local',
  '--remote',
  url,
  '--state',
  state(),
];

async function folderWith(files: Record<string, string>, name = 'folder'): Promise<string> {
  const root = join(home.path, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('one pair, however it is named or reached', () => {
  it('status finds the pair when the URL is written differently (case, trailing slash)', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const sync = await processes.run(['sync', folder, '--once', ...remoteArgs(`${server.url}/`)], { env });
    expect(sync.code, sync.stderr).toBe(0);
    const shouted = server.url.replace('http://', 'HTTP://');
    const status = await processes.run(['status', folder, ...remoteArgs(shouted)], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/1 file: 1 synced/);
  });

  it('rm goes through the pair: its mirror and the file’s state follow at once', async () => {
    const folder = await folderWith({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    const listed = JSON.parse(
      (await processes.run(['ls', '--json', ...remoteArgs()], { env })).stdout,
    ) as Array<{
      key: string;
      name: string;
    }>;
    const a = listed.find((file) => file.name === 'a.txt');
    const rm = await processes.run(['rm', a?.key ?? '', ...remoteArgs()], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stderr).toMatch(/still in the folder, so Hoist will upload it again/);
    const status = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
    const [report] = JSON.parse(status.stdout) as Array<{ counts: { synced: number }; remoteFiles: number }>;
    expect(report).toMatchObject({ counts: { synced: 1 }, remoteFiles: 1 });
  });

  it('ls of a folder lists through its pair and refreshes its mirror', async () => {
    const folder = await folderWith({ 'a.txt': 'alpha' });
    await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    const ls = await processes.run(['ls', folder, '--json', ...remoteArgs()], { env });
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((file) => file.name)).toEqual(['a.txt']);
    const lists = server.server.requestCounts.get('alloy.list') ?? 0;
    expect(lists).toBeGreaterThanOrEqual(2);
  });
});

describe('names in the output', () => {
  it('a newline in a file name does not split its output line', async () => {
    const folder = await folderWith({ 'two\nlines.txt': 'x' });
    const sync = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/uploaded +two\\nlines\.txt — Uploaded/);
    expect(sync.stdout.split('\n').some((line) => line.startsWith('lines.txt'))).toBe(false);
  });
});

describe('a held mass deletion from the CLI', () => {
  it('is reviewed, then refused with --keep-remote-copies or confirmed with --confirm-deletions', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 6; index++) files[`f${index}.txt`] = `file ${index}`;
    const folder = await folderWith(files);
    const sync = (...more: string[]) =>
      processes.run(['sync', folder, '--once', '--delete-remote', ...more, ...remoteArgs()], { env });
    expect((await sync()).code).toBe(0);
    for (let index = 0; index < 4; index++) await rm(join(folder, `f${index}.txt`));
    const held = await sync();
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/4 of 6 files disappeared from the folder within a minute/);
    expect(held.stderr).toMatch(/--confirm-deletions or --keep-remote-copies/);

    const kept = await sync('--keep-remote-copies');
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/Kept the remote copies of 4 file\(s\)/);
    expect(server.server.requestCounts.get('alloy.delete') ?? 0).toBe(0);

    for (let index = 4; index < 6; index++) await rm(join(folder, `f${index}.txt`));
    expect((await sync()).code).toBe(1);
    const confirmed = await sync('--confirm-deletions');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(server.server.requestCounts.get('alloy.delete')).toBe(2);
  });
});

describe('what is skipped is said', () => {
  it('a symbolic link and a FIFO are reported once in the summary, the log and status --json', async () => {
    const folder = await folderWith({ 'real.txt': 'real' });
    await symlink(join(folder, 'real.txt'), join(folder, 'link.txt'));
    await symlink('/etc', join(folder, 'outside'));
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    const sync = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/1 uploaded/);
    expect(sync.stdout).toMatch(/Skipped \(3\), not synced by design:/);
    expect(sync.stdout).toMatch(/link\.txt: A symbolic link: not followed/);
    expect(sync.stdout).toMatch(/pipe: A special file/);
    expect(sync.stdout.match(/skipped +link\.txt/g)).toHaveLength(1);
    const status = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
    const [report] = JSON.parse(status.stdout) as Array<{ skipped: Array<{ path: string }> }>;
    expect(report?.skipped.map((entry) => entry.path).sort()).toEqual(['link.txt', 'outside', 'pipe']);
  });
});

describe('settings from flags', () => {
  it('a flag not given does not override the stored setting; a bad one names the flag (exit 2)', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const slow = await processes.run(['sync', folder, '--once', '--bandwidth', '500', ...remoteArgs()], {
      env,
    });
    expect(slow.code).toBe(2);
    expect(slow.stderr).toMatch(/--bandwidth must be 0 \(unlimited\) or at least 1000/);
    const big = await processes.run(['sync', folder, '--once', '--concurrency', '65', ...remoteArgs()], {
      env,
    });
    expect(big.code).toBe(2);
  });
});

describe('one process per pair', () => {
  it('a second sync of the same folder says who holds it and exits 1; the first finishes alone', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 150; index++) files[`f${index}.txt`] = `file ${index}`;
    const folder = await folderWith(files);
    const first = processes.spawn(['sync', folder, ...remoteArgs()], env);
    await first.waitForStdout(/Watching /, 60_000);
    const second = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Hoist is already syncing this folder \(pid \d+, hoist sync since /);
    expect(second.stderr).not.toMatch(/SQLITE_BUSY/);
    // Read-only commands still work while it runs.
    const status = await processes.run(['status', folder, ...remoteArgs()], { env });
    expect(status.code, status.stderr).toBe(0);
    await waitFor(() => (server.server.requestCounts.get('object.put') ?? 0) >= 150);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // Every file once: the refused second run uploaded nothing.
    expect(server.server.requestCounts.get('object.put')).toBe(150);
  });

  it('the lock of a killed process is no lock: the next run takes over', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const first = processes.spawn(['sync', folder, ...remoteArgs()], env);
    await first.waitForStdout(/Watching /, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const next = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
    expect(next.code, next.stderr).toBe(0);
  });
});

describe('stopping and failing fast', () => {
  it('SIGTERM and SIGINT end a --once run that is uploading, with 143 and 130, nothing lost', async () => {
    // Every PUT waits 60 s on the server: the run can only end early by being stopped.
    await server.close();
    server = await startTestServer({ faults: { seed: 1, routes: { 'object.put': { latencyMs: 60_000 } } } });
    const folder = await folderWith({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const run = processes.spawn(['sync', folder, '--once', ...remoteArgs()], env);
      // Tickets answered (each file's, or both in one batch): bodies are on their way to a server that
      // holds them for a minute.
      const ticketRequests = (): number =>
        (server.server.requestCounts.get('alloy.upload-request') ?? 0) +
        2 * (server.server.requestCounts.get('alloy.upload-request-batch') ?? 0);
      const tickets = ticketRequests();
      await waitFor(() => ticketRequests() >= tickets + 2);
      run.child.kill(signal);
      const exit = await run.exited;
      expect(exit.code, run.stderr()).toBe(code);
      expect(run.stderr()).toMatch(new RegExp(`Stopped by ${signal}: 0 uploaded before that`));
    }
    // Nothing was half-recorded: the files wait, pending, for the next run.
    const status = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
    const [report] = JSON.parse(status.stdout) as Array<{ counts: { synced: number; pending: number } }>;
    expect(report?.counts).toMatchObject({ synced: 0, pending: 2 });
  });

  it('a remote that is not there ends the run at once with one message naming the URL (exit 1)', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 30; index++) files[`f${index}.txt`] = `file ${index}`;
    const folder = await folderWith(files);
    const closed = await freePort();
    const result = await processes.run(
      ['sync', folder, '--once', ...remoteArgs(`http://127.0.0.1:${closed}`)],
      {
        env,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `Hoist cannot use This computer at http://127.0.0.1:${closed}: .*refused.*Check the address`,
      ),
    );
    // One message for the run, not one line per file, and not a second time as a live WARNING line.
    const said = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => /refused/.test(line));
    expect(said).toHaveLength(1);
    expect(result.stderr).toMatch(/Nothing was uploaded; 30 file\(s\) waiting/);
  });

  it('a server that does not speak the API is a configuration problem (exit 2), said once', async () => {
    const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b' });
    const plain = await staticServer();
    try {
      const result = await processes.run(
        ['sync', folder, '--once', '--provider', 'alloy', '--remote', plain.url, '--state', state()],
        { env },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`Hoist cannot use Alloy at ${plain.url}: .*404.*speaks the Alloy API`),
      );
      expect(plain.requests()).toBeLessThanOrEqual(3);
    } finally {
      plain.server.close();
    }
  });

  it('a rejected token ends the run with the terminal’s advice, not the app’s', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const result = await processes.run(['sync', folder, '--once', ...remoteArgs()], {
      env: { HOIST_TOKEN: 'wrong-token-123' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected the API token \(401\)\. Set the right token in HOIST_TOKEN\./);
    expect(result.stderr + result.stdout).not.toMatch(/Settings/);
  });

  it('a state dir that cannot be created is a configuration error naming it (exit 2), not a hang', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const result = await processes.run(['sync', folder, '--once', '--state', '/proc/hoist-cannot-be-here'], {
      env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot create its state folder \/proc\/hoist-cannot-be-here/);
  });

  it('an unreadable subfolder means not everything is synced: exit 1, named', async () => {
    const folder = await folderWith({ 'ok.txt': 'ok', 'private/secret.txt': 'secret' });
    await chmod(join(folder, 'private'), 0o000);
    try {
      const result = await processes.run(['sync', folder, '--once', ...remoteArgs()], {
        env,
        prefix: unprivilegedPrefix(),
      });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/1 uploaded/);
      expect(result.stderr).toMatch(/private: Cannot open this folder, so nothing in it is synced/);
    } finally {
      await chmod(join(folder, 'private'), 0o755);
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A port nothing listens on: bound once, then closed. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A plain web server that knows nothing of any file API (404 for GET, 501 for anything else). */
async function staticServer(): Promise<{ server: Server; url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((request, response) => {
    count++;
    response.writeHead(request.method === 'GET' ? 404 : 501, { 'content-type': 'text/html' });
    response.end('<html><body>Not here</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, requests: () => count };
}
