import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-sync-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

async function folderWith(files: Record<string, string>): Promise<string> {
  const folder = join(home.path, 'folder');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), content);
  }
  await mkdir(folder, { recursive: true });
  return folder;
}

const remoteArgs = (): string[] => [
  '--provider',
  'local',
  '--remote',
  server.url,
  '--state',
  join(home.path, 'state'),
];
const aliceEnv = { HOIST_TOKEN: TEST_USERS.alice.token };

describe('hoist sync --once, ls, rm, status', () => {
  it('ls of a folder with no remote named lists the remote it syncs with; one it does not sync with is named, with how to name another', async () => {
    const folder = await folderWith({ 'a.txt': 'alpha' });
    const state = ['--state', join(home.path, 'state')];
    const sync = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: aliceEnv });
    expect(sync.code, sync.stderr).toBe(0);
    const names = (stdout: string): string[] =>
      (JSON.parse(stdout) as Array<{ name: string }>).map((file) => file.name);
    // As a person types it after that sync: the folder alone finds the remote it syncs with.
    const found = await processes.run(['ls', folder, '--json', ...state], { env: aliceEnv });
    expect(found.code, found.stderr).toBe(0);
    expect(names(found.stdout)).toEqual(['a.txt']);
    // --provider local alone names the built-in remote, where this folder never synced.
    const builtIn = await processes.run(['ls', folder, '--provider', 'local', ...state]);
    expect(builtIn.code).toBe(2);
    expect(builtIn.stderr).toContain(`Hoist has not synced ${folder} with This computer yet`);
    expect(builtIn.stderr).toContain('name it as hoist sync was told (--provider, --remote)');
    // Named as it was synced, it lists the folder's file.
    const named = await processes.run(['ls', folder, '--json', ...remoteArgs()], { env: aliceEnv });
    expect(named.code, named.stderr).toBe(0);
    expect(names(named.stdout)).toEqual(['a.txt']);
    // Synced with the built-in remote too: with two remotes, ls asks which.
    const embedded = await processes.run(['sync', folder, '--once', ...state]);
    expect(embedded.code, embedded.stderr).toBe(0);
    const which = await processes.run(['ls', folder, ...state], { env: aliceEnv });
    expect(which.code).toBe(2);
    expect(which.stderr).toContain(`${folder} syncs with 2 remotes`);
    expect(which.stderr).toContain('name one with --provider and --remote');
  });

  it('syncs, lists as JSON, deletes by key and reports status', async () => {
    const folder = await folderWith({
      'a.txt': 'alpha',
      'docs/b.md': 'bravo',
      'docs/deep/c.bin': 'charlie!',
    });
    const sync = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: aliceEnv });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/3 uploaded .* 0 already there, 0 not synced/);

    const ls = await processes.run(['ls', '--json', ...remoteArgs()], { env: aliceEnv });
    expect(ls.code, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as Array<{
      key: string;
      name: string;
      size: number;
      lastModified: string;
    }>;
    expect(listed.map(({ name, size }) => ({ name, size }))).toEqual([
      { name: 'a.txt', size: 5 },
      { name: 'docs/b.md', size: 5 },
      { name: 'docs/deep/c.bin', size: 8 },
    ]);
    for (const file of listed) {
      expect(Object.keys(file).sort()).toEqual(['key', 'lastModified', 'name', 'size']);
      expect(new Date(file.lastModified).toISOString()).toBe(file.lastModified);
    }

    const rm = await processes.run(['rm', listed[0]?.key ?? '', ...remoteArgs()], { env: aliceEnv });
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`deleted ${listed[0]?.key}`);
    const missing = await processes.run(['rm', 'no-such-key', ...remoteArgs()], { env: aliceEnv });
    expect(missing.code).toBe(1);

    const status = await processes.run(['status', folder, '--json', ...remoteArgs()], { env: aliceEnv });
    expect(status.code, status.stderr).toBe(0);
    const [report] = JSON.parse(status.stdout) as Array<{
      folder: string;
      counts: { synced: number };
      remoteFiles: number;
    }>;
    // rm went through the pair: the mirror and a.txt's state follow (it waits to be uploaded again).
    expect(report).toMatchObject({ counts: { synced: 2, pending: 1 }, remoteFiles: 2 });

    // The next sync notices the remote lost a.txt and uploads it again.
    const again = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env: aliceEnv });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/1 uploaded/);
  });

  it('runs the embedded remote when no --remote is given', async () => {
    const folder = await folderWith({ 'x.txt': 'x', 'y/z.txt': 'z' });
    const state = join(home.path, 'embedded-state');
    const sync = await processes.run(['sync', folder, '--once', '--state', state]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Synced with This computer: 2 uploaded/);
    const ls = await processes.run(['ls', '--json', '--state', state]);
    expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((file) => file.name)).toEqual([
      'x.txt',
      'y/z.txt',
    ]);
  });

  it('a reader that goes away early (hoist ls | head) ends it quietly, exit 141 as for SIGPIPE', async () => {
    const folder = await folderWith({ 'x.txt': 'x', 'y/z.txt': 'z' });
    const state = join(home.path, 'pipe-state');
    const sync = await processes.run(['sync', folder, '--once', '--state', state]);
    expect(sync.code, sync.stderr).toBe(0);
    const ls = processes.spawn(['ls', '--state', state]);
    // The reading end closed before hoist writes its first line: every write meets EPIPE.
    ls.child.stdout.destroy();
    const exit = await ls.exited;
    expect(ls.stderr()).not.toMatch(/EPIPE|Error/);
    expect(exit.code).toBe(141);
  });

  it('exits 2 on usage and configuration errors', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['sync'], {}, /Which folder/],
      [['sync', join(home.path, 'nope')], {}, /does not exist/],
      [['sync', folder, '--provider', 'dropbox'], {}, /--provider must be one of/],
      [['sync', folder, '--provider', 'alloy'], {}, /HOIST_TOKEN/],
      [['sync', folder, '--provider', 'openwebui'], { HOIST_TOKEN: 'x'.repeat(20) }, /needs --remote/],
      [['sync', folder, '--concurrency', '0'], {}, /--concurrency must be/],
      [['sync', folder, '--bandwidth', 'fast'], {}, /--bandwidth must be/],
      [['sync', folder, '--frobnicate'], {}, /Unknown option/],
      [
        ['sync', folder, '--provider', 'local', '--remote', 'http://user:pw@127.0.0.1:1'],
        aliceEnv,
        /must not contain credentials/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await processes.run(args, { env });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('exits 1 with a clear message when the token is rejected', async () => {
    const folder = await folderWith({ 'a.txt': 'a' });
    const result = await processes.run(['sync', folder, '--once', ...remoteArgs()], {
      env: { HOIST_TOKEN: 'wrong-token-123' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected the API token \(401\)/);
    expect(result.stderr).toMatch(/a\.txt/);
  });

  it('reports an unreadable file and exits 1 while the rest are synced', async () => {
    const folder = await folderWith({ 'fine.txt': 'fine', 'locked.txt': 'secret', 'also-fine.txt': 'ok' });
    await chmod(join(folder, 'locked.txt'), 0o000);
    // Root reads any file: run without the capabilities that let it, so chmod 000 holds.
    const result = await processes.run(['sync', folder, '--once', ...remoteArgs()], {
      env: aliceEnv,
      prefix: unprivilegedPrefix(),
    });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/2 uploaded/);
    expect(result.stderr).toMatch(/locked\.txt: Cannot read ".*locked\.txt": permission denied \(EACCES\)/);
    const ls = await processes.run(['ls', '--json', ...remoteArgs()], { env: aliceEnv });
    expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((file) => file.name)).toEqual([
      'also-fine.txt',
      'fine.txt',
    ]);
  });
});

describe('hoist sync (watch mode)', () => {
  it('uploads a file written while it runs, and stops cleanly on SIGTERM', async () => {
    const folder = await folderWith({ 'first.txt': 'first' });
    const cli = processes.spawn(['sync', folder, ...remoteArgs()], aliceEnv);
    await cli.waitForStdout(/Watching /);
    await writeFile(join(folder, 'later.txt'), 'written while watching');
    await cli.waitForStdout(/uploaded +later\.txt/, 10_000);
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit, cli.stderr()).toEqual({ code: 0, signal: null });
    const ls = await processes.run(['ls', '--json', ...remoteArgs()], { env: aliceEnv });
    expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((file) => file.name)).toEqual([
      'first.txt',
      'later.txt',
    ]);
  });
});
