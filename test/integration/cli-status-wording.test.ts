import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { makeTempDir } from '../support/temp-dir.js';
import { unprivilegedPrefix } from '../support/unprivileged.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Issue 16: `hoist status` counts "not synced" as the window's headline and the tray do
// (shared/not-synced.ts), in words a person reads: "1 file", names that are not UTF-8 escaped.

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-status-wording-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

const remoteArgs = (): string[] => [
  '--provider',
  'local',
  '--remote',
  server.url,
  '--state',
  join(home.path, 'state'),
];

async function folderWith(files: Record<string, string>): Promise<string> {
  const root = join(home.path, 'folder');
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
  return root;
}

interface StatusJson {
  notSyncedCount: { needsAttention: number; onPurpose: number; notTracked: number };
  notSynced: Array<{ path: string; reason: string; message: string }>;
  unreadable: Array<{ path: string; message: string }>;
}

describe('hoist status', () => {
  it('of a folder with no remote named: every remote it syncs with; a remote named that it does not, said so', async () => {
    const folder = await folderWith({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    expect((await processes.run(['sync', folder, '--once', ...remoteArgs()], { env })).code).toBe(0);
    const state = ['--state', join(home.path, 'state')];

    // As a person types it after syncing with --remote: the folder alone.
    const status = await processes.run(['status', folder, ...state], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${folder} → This computer (${server.url})`);
    expect(status.stdout).toMatch(/^ {2}2 files: 2 synced, 0 pending/m);

    const other = await processes.run(['status', folder, '--remote', 'http://127.0.0.1:9', ...state], {
      env,
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/has not synced .* with http:\/\/127\.0\.0\.1:9 yet/);

    const never = await processes.run(['status', home.path, ...state], { env });
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`Hoist has not synced ${home.path} yet`);
  });

  it('says "1 file", and nothing is not synced when everything is', async () => {
    const folder = await folderWith({ 'only.txt': 'one' });
    expect((await processes.run(['sync', folder, '--once', ...remoteArgs()], { env })).code).toBe(0);
    const status = await processes.run(['status', folder, ...remoteArgs()], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^ {2}1 file: 1 synced, 0 pending/m);
    expect(status.stdout).toMatch(/^ {2}not synced: 0 files$/m);
    expect(status.stdout).not.toMatch(/1 files/);
  });

  it.skipIf(process.platform !== 'linux')(
    'counts a name that is not UTF-8 as not synced, prints it escaped, and lists it with its reason in --json',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b' });
      await writeFile(
        Buffer.concat([Buffer.from(join(folder, 'caf')), Buffer.from([0xe9, 0x2e, 0x74])]),
        'x',
      );
      await symlink('a.txt', join(folder, 'link.txt'));
      const sync = await processes.run(['sync', folder, '--once', ...remoteArgs()], { env });
      expect(sync.code, sync.stdout + sync.stderr).toBe(1);
      expect(sync.stderr).toContain('caf\\xe9.t: ');

      const status = await processes.run(['status', folder, ...remoteArgs()], { env });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^ {2}2 files: 2 synced/m);
      expect(status.stdout).toMatch(/^ {2}not synced: 1 file; skipped on purpose: 1$/m);
      // The reason in words, the name escaped as the README says (never "caf\uFFFD.t").
      expect(status.stdout).toMatch(
        /^ {2}Name is not valid UTF-8: caf\\xe9\.t: The name “caf\\xe9\.t” is not valid UTF-8/m,
      );
      expect(status.stdout).not.toContain('\uFFFD');

      const json = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
      const [report] = JSON.parse(json.stdout) as StatusJson[];
      expect(report?.notSyncedCount).toEqual({
        needsAttention: 1,
        onPurpose: 1,
        notTracked: 1,
        uploadedButUnusable: 0,
      });
      // In JSON the byte is kept exactly (a lone surrogate, as Python's surrogateescape reads it).
      expect(json.stdout).toContain('"caf\\udce9.t"');
      expect(report?.unreadable.map((entry) => entry.path)).toEqual(['caf\uDCE9.t']);
      expect(report?.notSynced.map(({ path, reason }) => ({ path, reason }))).toEqual([
        { path: 'caf\uDCE9.t', reason: 'bad-name' },
        { path: 'link.txt', reason: 'symbolic-link' },
      ]);
    },
  );

  it.skipIf(process.platform !== 'linux')(
    'while hoist sync watches, a name that is not UTF-8 is said at once (escaped) and hoist status lists it',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a' });
      const watch = processes.spawn(['sync', folder, ...remoteArgs()], env);
      await watch.waitForStdout(/Watching /, 60_000);
      await writeFile(
        Buffer.concat([Buffer.from(join(folder, 'caf')), Buffer.from([0xe9, 0x2e, 0x74])]),
        'x',
      );
      // Found by the watcher's hint (a rescan is minutes away): said once, escaped, never as U+FFFD.
      await watch.waitForStdout(/WARNING +caf\\xe9\.t — The name “caf\\xe9\.t” is not valid UTF-8/, 30_000);
      expect(watch.stdout()).not.toContain('\uFFFD');
      const json = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
      const [report] = JSON.parse(json.stdout) as StatusJson[];
      expect(report?.notSyncedCount).toMatchObject({ needsAttention: 1 });
      expect(report?.unreadable.map((entry) => entry.path)).toEqual(['caf\uDCE9.t']);
      const text = await processes.run(['status', folder, ...remoteArgs()], { env });
      expect(text.stdout).toMatch(/^ {2}not synced: 1 file$/m);
    },
  );

  it('while hoist sync watches, a folder that cannot be opened is said and listed at once; opened again, it syncs', async () => {
    const prefix = unprivilegedPrefix();
    const folder = await folderWith({ 'a.txt': 'a' });
    await mkdir(join(folder, 'private'));
    await writeFile(join(folder, 'private', 'in.txt'), 'inside');
    const watch = processes.spawn(['sync', folder, ...remoteArgs()], env, prefix);
    await watch.waitForStdout(/uploaded +private\/in\.txt/, 60_000);
    await chmod(join(folder, 'private'), 0o000);
    // The permission change itself is the cue (a rescan is minutes away).
    await watch.waitForStdout(
      /WARNING +private — Cannot open this folder, so nothing in it is synced/,
      30_000,
    );
    const listed = async (): Promise<StatusJson | undefined> => {
      const json = await processes.run(['status', folder, '--json', ...remoteArgs()], { env });
      return (JSON.parse(json.stdout) as StatusJson[])[0];
    };
    expect((await listed())?.notSynced).toEqual([
      expect.objectContaining({ path: 'private', reason: 'folder-unreadable' }),
    ]);
    await chmod(join(folder, 'private'), 0o755);
    await writeFile(join(folder, 'private', 'new.txt'), 'written while it could not be read');
    await watch.waitForStdout(/uploaded +private\/new\.txt/, 30_000);
    await until(
      'private is no longer listed',
      async () => (await listed())?.notSyncedCount.needsAttention === 0,
    );
  });
});
