import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// Issue 7: two folders (or another client) writing one remote name never lose a file while Hoist
// reports success. Everything here goes through the `hoist` command against a real reference server.

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-never-overwrite-');
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

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const root = join(home.path, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
  return root;
}

function hoist(...args: string[]): ReturnType<CliProcesses['run']> {
  return processes.run([...args, ...remoteArgs()], { env });
}

interface Listed {
  key: string;
  name: string;
  size: number;
}

async function listing(): Promise<Listed[]> {
  const ls = await hoist('ls', '--json');
  expect(ls.code, ls.stderr).toBe(0);
  return JSON.parse(ls.stdout) as Listed[];
}

const puts = (): number => server.server.requestCounts.get('object.put') ?? 0;

/** Moves a file's mtime so the next scan sees it changed (a `touch` with a visible step). */
async function touch(path: string): Promise<void> {
  const later = new Date(Date.now() + 5_000);
  await utimes(path, later, later);
}

describe('two folders writing the same remote name', () => {
  it('the issue’s reproduction: the second folder gets a conflict and exit 1, the first copy survives', async () => {
    const one = await folder('one', { 'README.md': 'from one\n' });
    const two = await folder('two', { 'README.md': 'from two, different\n' });

    const first = await hoist('sync', one, '--once');
    expect(first.code, first.stderr).toBe(0);
    const second = await hoist('sync', two, '--once');
    expect(second.code, second.stdout + second.stderr).toBe(1);
    expect(second.stdout).toMatch(/1 not synced \(1 in conflict\)/);
    expect(second.stderr).toMatch(/README\.md: The remote already has a different file under this name/);
    // Both sides, and where the remote copy came from.
    expect(second.stderr).toMatch(/here: +20 bytes/);
    expect(second.stderr).toMatch(new RegExp(`remote: +9 bytes, changed .* uploaded by Hoist from ${one}`));
    expect(second.stderr).toMatch(/hoist resolve .* --keep-both \| --replace \| --ignore/);
    // Warned about two folders on one remote without remote folders, with a suggestion.
    expect(second.stderr).toMatch(/also syncs to the top of this remote.*--remote-folder two/);

    expect(await listing()).toMatchObject([{ name: 'README.md', size: 9 }]);

    // Folder one's copy was never replaced, so touching it changes nothing and it stays synced.
    await touch(join(one, 'README.md'));
    const again = await hoist('sync', one, '--once');
    expect(again.code, again.stderr).toBe(0);

    const status = await hoist('status', '--json');
    const reports = JSON.parse(status.stdout) as Array<{
      folder: string;
      counts: { synced: number; conflict: number };
    }>;
    const byFolder = Object.fromEntries(reports.map((report) => [report.folder, report.counts]));
    expect(byFolder[one]).toMatchObject({ synced: 1, conflict: 0 });
    expect(byFolder[two]).toMatchObject({ synced: 0, conflict: 1 });
  });

  it('keep both: the conflicting file is uploaded under a dated conflict name and both stay', async () => {
    const one = await folder('one', { 'README.md': 'from one\n' });
    const two = await folder('two', { 'README.md': 'from two, different\n' });
    await hoist('sync', one, '--once');
    expect((await hoist('sync', two, '--once')).code).toBe(1);

    const listed = await hoist('resolve', two);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(/In conflict \(1\)/);

    const resolved = await hoist('resolve', two, 'README.md', '--keep-both');
    expect(resolved.code, resolved.stdout + resolved.stderr).toBe(0);
    expect(resolved.stdout).toMatch(/will be uploaded as “README \(conflict \d{4}-\d{2}-\d{2} .+\)\.md”/);
    const names = (await listing()).map((file) => [file.name, file.size]);
    expect(names).toHaveLength(2);
    expect(names).toContainEqual(['README.md', 9]);
    expect(names.find(([name]) => String(name).startsWith('README (conflict '))?.[1]).toBe(20);

    // Later edits of that file go on to its conflict name; nothing is left in conflict.
    await writeFile(join(two, 'README.md'), 'from two, edited later\n');
    const edited = await hoist('sync', two, '--once');
    expect(edited.code, edited.stderr).toBe(0);
    const after = await listing();
    expect(after.find((file) => file.name === 'README.md')?.size).toBe(9);
    expect(after.find((file) => file.name.startsWith('README (conflict '))?.size).toBe(23);
  });

  it('replace: the user’s explicit choice overwrites; the first folder then notices and reports it', async () => {
    const one = await folder('one', { 'README.md': 'from one\n' });
    const two = await folder('two', { 'README.md': 'from two, different\n' });
    await hoist('sync', one, '--once');
    await hoist('sync', two, '--once');

    const replaced = await hoist('resolve', two, '--all', '--replace');
    expect(replaced.code, replaced.stdout + replaced.stderr).toBe(0);
    expect(await listing()).toMatchObject([{ name: 'README.md', size: 20 }]);

    // Folder one's copy was replaced by someone else: a conflict, not a silent "synced", and its
    // touched file is not uploaded back over the other.
    await touch(join(one, 'README.md'));
    const before = puts();
    const noticed = await hoist('sync', one, '--once');
    expect(noticed.code, noticed.stdout).toBe(1);
    expect(noticed.stderr).toMatch(/README\.md: The copy this folder uploaded was replaced on the remote/);
    expect(noticed.stderr).toMatch(new RegExp(`uploaded by Hoist from ${two}`));
    expect(puts()).toBe(before);
    expect(await listing()).toMatchObject([{ name: 'README.md', size: 20 }]);
  });

  it('ignore: the conflict is left as it is and the run exits 0 until the file changes again', async () => {
    const one = await folder('one', { 'a.txt': 'one' });
    const two = await folder('two', { 'a.txt': 'two two' });
    await hoist('sync', one, '--once');
    await hoist('sync', two, '--once');

    const ignored = await hoist('resolve', two, 'a.txt', '--ignore');
    expect(ignored.code, ignored.stderr).toBe(0);
    expect((await hoist('sync', two, '--once')).code).toBe(0);
    const status = await hoist('status', two);
    expect(status.stdout).toMatch(/0 in conflict \(\+1 ignored\)/);

    await writeFile(join(two, 'a.txt'), 'two, changed');
    const changed = await hoist('sync', two, '--once');
    expect(changed.code).toBe(1);
    expect(await listing()).toMatchObject([{ name: 'a.txt', size: 3 }]);
  });

  it('no ping-pong: five alternating runs of two folders end in one reported conflict and one PUT', async () => {
    const one = await folder('one', { 'notes.md': 'one’s notes' });
    const two = await folder('two', { 'notes.md': 'two’s notes, longer' });
    const codes: Array<[number | null, number | null]> = [];
    for (let run = 0; run < 5; run++) {
      await touch(join(one, 'notes.md'));
      await touch(join(two, 'notes.md'));
      codes.push([(await hoist('sync', one, '--once')).code, (await hoist('sync', two, '--once')).code]);
    }
    expect(codes).toEqual(Array.from({ length: 5 }, () => [0, 1]));
    expect(puts()).toBe(1);
    expect(await listing()).toMatchObject([{ name: 'notes.md', size: 'one’s notes'.length + 2 }]);

    // Even after the user replaces once, the other folder reports instead of fighting back.
    await hoist('resolve', two, '--all', '--replace');
    expect(puts()).toBe(2);
    for (let run = 0; run < 5; run++) {
      await touch(join(one, 'notes.md'));
      expect((await hoist('sync', one, '--once')).code).toBe(1);
      expect((await hoist('sync', two, '--once')).code).toBe(0);
    }
    expect(puts()).toBe(2);
  }, 180_000);
});

describe('a remote folder per pair', () => {
  it('keeps two folders apart under their own remote folders, and remembers the choice', async () => {
    const one = await folder('one', { 'README.md': 'from one\n' });
    const two = await folder('two', { 'README.md': 'from two, different\n' });
    expect((await hoist('sync', one, '--once', '--remote-folder', 'Work')).code).toBe(0);
    const second = await hoist('sync', two, '--once', '--remote-folder', 'Home/Notes');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/Warning/);
    expect((await listing()).map((file) => [file.name, file.size])).toEqual([
      ['Home/Notes/README.md', 20],
      ['Work/README.md', 9],
    ]);
    expect((await listing()).map((file) => file.key)).toContainEqual(
      expect.stringContaining('Work∕README.md'),
    );

    // Remembered: the next run without the flag still writes under Work.
    await writeFile(join(one, 'later.txt'), 'later');
    expect((await hoist('sync', one, '--once')).code).toBe(0);
    expect((await listing()).map((file) => file.name)).toContain('Work/later.txt');
  });

  it('moving a pair to another remote folder uploads its files there and leaves the old copies', async () => {
    const one = await folder('one', { 'a.txt': 'alpha' });
    expect((await hoist('sync', one, '--once')).code).toBe(0);
    const moved = await hoist('sync', one, '--once', '--remote-folder', 'Docs');
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/1 file\(s\) will be uploaded to the remote folder “Docs”/);
    expect((await listing()).map((file) => file.name)).toEqual(['a.txt', 'Docs/a.txt']);
  });

  it('refuses a remote folder that is not a folder name, with exit 2', async () => {
    const one = await folder('one', { 'a.txt': 'alpha' });
    const bad = await hoist('sync', one, '--once', '--remote-folder', 'a/../b');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--remote-folder must be folder names/);
  });
});
