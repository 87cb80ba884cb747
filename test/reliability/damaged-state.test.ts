import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, writeSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import { activityLog, remoteContents } from '../support/pair-inspection.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

// A damaged state is detected and explained (issue 15): a state.db whose pages were overwritten,
// cut short or replaced by another file is set aside and rebuilt from the folder and the remote's
// list, with one sentence saying so; no file is uploaded twice, none deleted on the remote, and the
// remote folder the pair was given is still used after the state is lost. A disk that fills up
// under the state ends the run non-zero, naming the state folder. Real `hoist sync --once`
// processes against a real reference server, whose own counters say what was uploaded and deleted.

const FILES = 30;

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
const processes = new CliProcesses(() => home.path);
const env = { HOIST_TOKEN: TEST_USERS.alice.token };

beforeEach(async () => {
  home = await makeTempDir('hoist-damaged-state-');
  server = await startTestServer();
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

const stateRoot = (): string => join(home.path, 'state');
const folder = (): string => join(home.path, 'folder');
const syncOnce = (more: string[] = [], prefix: string[] = []) =>
  processes.run(
    [
      'sync',
      folder(),
      '--once',
      ...more,
      '--provider',
      'local',
      '--remote',
      server.url,
      '--state',
      stateRoot(),
    ],
    { env, prefix, timeoutMs: 60_000 },
  );
const puts = (): number => server.server.requestCounts.get('object.put') ?? 0;
const deletes = (): number => server.server.requestCounts.get('alloy.delete') ?? 0;

async function pairDirectory(): Promise<string> {
  const pairs = await readdir(join(stateRoot(), 'pairs'));
  if (pairs.length !== 1) throw new Error(`Expected one pair, found ${pairs.length}`);
  return join(stateRoot(), 'pairs', pairs[0] as string);
}

/**
 * A first run puts 30 files under the remote folder Docs, deleting remotely what goes locally
 * (so a run that trusted a lost state could delete); returns what the remote holds then.
 */
async function syncedFolder(): Promise<Map<string, string>> {
  await mkdir(join(folder(), 'notes'), { recursive: true });
  for (let index = 0; index < FILES; index++) {
    await writeFile(join(folder(), 'notes', `note-${index}.txt`), `note ${index}\n`.repeat(index + 1));
  }
  const first = await syncOnce(['--remote-folder', 'Docs', '--delete-remote']);
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(puts()).toBe(FILES);
  const remote = await remoteContents(server.dataDir);
  expect([...remote.keys()].every((path) => path.startsWith('Docs/notes/'))).toBe(true);
  return remote;
}

/** The second run must rebuild and find every copy already there: no PUT, no DELETE, no new object. */
async function expectRebuiltWithoutTouchingTheRemote(before: Map<string, string>): Promise<string> {
  const stateFile = join(await pairDirectory(), 'state.db');
  const second = await syncOnce(['--delete-remote']);
  expect(second.code, second.stdout + second.stderr).toBe(0);
  expect(second.stdout).toContain(`0 uploaded (0 bytes), ${FILES} already there, 0 not synced`);
  expect(puts()).toBe(FILES);
  expect(deletes()).toBe(0);
  expect(await remoteContents(server.dataDir)).toEqual(before);
  // One sentence on stderr naming the damaged file and where it went; the same in the activity log.
  const said = /state database (\S+) was damaged \(.*\); it was set aside as (\S+) and rebuilt/.exec(
    second.stderr,
  );
  expect(said, second.stderr).not.toBeNull();
  expect(said?.[1]).toBe(stateFile);
  const setAside = said?.[2] ?? '';
  expect(existsSync(setAside)).toBe(true);
  expect(second.stderr).toContain('remote folder “Docs”');
  const log = await activityLog(stateRoot());
  expect(log.some((entry) => entry.kind === 'warning' && entry.message.includes(setAside))).toBe(true);
  return setAside;
}

describe('a damaged state database', () => {
  it('pages overwritten mid-file: set aside as it was, rebuilt, nothing uploaded twice or deleted', async () => {
    const before = await syncedFolder();
    const stateFile = join(await pairDirectory(), 'state.db');
    // Three pages of the middle of the file (4 KiB pages) overwritten with junk, as a bad disk or a
    // stray write would; the header on page 1 stays intact, so SQLite opens it without complaint.
    const size = statSync(stateFile).size;
    const fd = openSync(stateFile, 'r+');
    writeSync(fd, Buffer.alloc(3 * 4096, 0x41), 0, 3 * 4096, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);
    const setAside = await expectRebuiltWithoutTouchingTheRemote(before);
    expect(statSync(setAside).size).toBe(size);
  });

  it('a truncated file: set aside and rebuilt, nothing uploaded twice or deleted', async () => {
    const before = await syncedFolder();
    await truncate(join(await pairDirectory(), 'state.db'), 5000);
    await expectRebuiltWithoutTouchingTheRemote(before);
  });

  it('a file that is not a database: set aside and rebuilt, nothing uploaded twice or deleted', async () => {
    const before = await syncedFolder();
    await writeFile(join(await pairDirectory(), 'state.db'), 'these are not the pages you are looking for\n');
    const setAside = await expectRebuiltWithoutTouchingTheRemote(before);
    expect(setAside).toMatch(/state\.damaged-.*\.db$/);
  });
});

describe('a lost state', () => {
  it('remembers the remote folder: nothing is uploaded again at the top of the remote', async () => {
    const before = await syncedFolder();
    const directory = await pairDirectory();
    for (const name of ['state.db', 'state.db-wal', 'state.db-shm'])
      await rm(join(directory, name), { force: true });
    const second = await syncOnce(['--delete-remote']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).toContain('was missing');
    expect(second.stderr).toContain('remote folder “Docs”');
    expect(second.stdout).toContain(`0 uploaded (0 bytes), ${FILES} already there`);
    expect(puts()).toBe(FILES);
    expect(deletes()).toBe(0);
    expect(await remoteContents(server.dataDir)).toEqual(before);
  });
});

/**
 * A command prefix that runs the child with a small tmpfs mounted over `directory`, in a mount
 * namespace of its own (so no root is needed where user namespaces are allowed, and nothing is left
 * mounted if the test dies). Fails loudly where the machine allows neither.
 */
function onSmallDisk(directory: string, size: string): string[] {
  const prefix = [
    'unshare',
    '--map-root-user',
    '--mount',
    'sh',
    '-c',
    `mount -t tmpfs -o size=${size} tmpfs "$0" && exec "$@"`,
    directory,
  ];
  const probe = spawnSync(prefix[0] as string, [...prefix.slice(1), 'true']);
  if (probe.status !== 0) {
    throw new Error(
      `Cannot mount a small tmpfs here (${probe.stderr.toString().trim()}): this test needs one`,
    );
  }
  return prefix;
}

/** A folder with enough files (long names) that its state outgrows 256 KiB during the first run. */
async function manyFiles(): Promise<void> {
  await mkdir(folder(), { recursive: true });
  for (let index = 0; index < 1500; index++) {
    await writeFile(
      join(folder(), `a-rather-long-file-name-to-fill-the-state-database-${index}.txt`),
      `${index}`,
    );
  }
  await mkdir(stateRoot(), { recursive: true });
}

describe('a full disk under the state', () => {
  it('ends the run non-zero, naming the state folder and saying to free space; nothing deleted', async () => {
    await manyFiles();
    const run = await syncOnce(['--delete-remote'], onSmallDisk(stateRoot(), '256k'));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`The disk holding Hoist's state folder ${stateRoot()}\\S* is full .*Free some space`),
    );
    expect(run.stdout).not.toContain('Synced with');
    expect(deletes()).toBe(0);
  });

  it('ends watching too (it would sit there stopped), exit 1 with the same words', async () => {
    await manyFiles();
    const watching = processes.spawn(
      [
        'sync',
        folder(),
        '--delete-remote',
        '--provider',
        'local',
        '--remote',
        server.url,
        '--state',
        stateRoot(),
      ],
      env,
      onSmallDisk(stateRoot(), '256k'),
    );
    const exit = await watching.exited;
    expect(exit.code, watching.stdout() + watching.stderr()).toBe(1);
    expect(watching.stderr()).toMatch(/The disk holding Hoist's state folder \S+ is full .*Free some space/);
    expect(deletes()).toBe(0);
  });
});
