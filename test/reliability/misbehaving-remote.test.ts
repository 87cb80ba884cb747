import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses } from '../support/cli-process.js';
import {
  startMisbehavingRemote,
  TEST_TOKEN,
  type MisbehavingRemote,
  type Misbehaviour,
  type RemoteRoute,
} from '../support/misbehaving-remote.js';
import { trackPeakRss } from '../support/peak-rss.js';
import { makeTempDir } from '../support/temp-dir.js';

// Issue 11: a remote that misbehaves on any route (list, upload ticket, presigned PUT on another
// host, delete) ends a real `hoist sync --once` with the right exit code, a message naming the cause,
// in bounded time and bounded memory. Every case runs the built CLI against a small Alloy-dialect
// server (test/support/misbehaving-remote.ts) with `--stall-timeout 2s`, so a stall costs seconds.

const MB = 1024 * 1024;
// Safety bounds, not benchmarks: generous against what a case needs (seconds; a node process
// at rest is ~90 MB) and far below what failing them would mean (minutes; a 200 MB body held).
const WALL_BOUND_S = 60;
const RSS_BOUND = 300 * MB;
// A case runs hoist once or twice; a failing one is cut by its own bound long before this.
const CASE_TIMEOUT_MS = 180_000;

let home: { path: string; remove: () => Promise<void> };
let remote: MisbehavingRemote;
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-misbehaving-');
  remote = await startMisbehavingRemote();
});

afterEach(async () => {
  await processes.killAll();
  await remote.close();
  await home.remove();
});

interface Run {
  code: number | null;
  output: string;
  seconds: number;
  peakRss: number;
}

async function syncOnce(folder: string, extra: string[] = []): Promise<Run> {
  const started = performance.now();
  const cli = processes.spawn(
    [
      'sync',
      folder,
      '--once',
      '--provider',
      'alloy',
      '--remote',
      remote.url,
      '--state',
      join(home.path, 'state'),
      '--stall-timeout',
      '2s',
      ...extra,
    ],
    { HOIST_TOKEN: TEST_TOKEN },
  );
  const rss = trackPeakRss(cli.child.pid as number);
  const killer = setTimeout(() => cli.child.kill('SIGKILL'), 3 * WALL_BOUND_S * 1000);
  const exit = await cli.exited;
  clearTimeout(killer);
  return {
    code: exit.code,
    output: `${cli.stdout()}\n${cli.stderr()}`,
    seconds: (performance.now() - started) / 1000,
    peakRss: await rss.stop(),
  };
}

async function folderWith(files: Record<string, string | Buffer>): Promise<string> {
  const root = join(home.path, 'folder');
  await mkdir(root, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(root, name), content);
  return root;
}

function expectBounded(run: Run): void {
  expect(run.seconds, run.output).toBeLessThan(WALL_BOUND_S);
  expect(run.peakRss, run.output).toBeLessThan(RSS_BOUND);
  expect(run.output).not.toMatch(/unhandled rejection|internal error/i);
}

const requestsTo = (route: RemoteRoute): number =>
  remote.requests.filter((request) => routeOf(request.method, request.path) === route).length;

function routeOf(method: string, path: string): RemoteRoute | null {
  if (path.startsWith('/moved')) return null;
  if (method === 'GET' && path.startsWith('/connectors/files/list')) return 'list';
  if (method === 'POST' && path.startsWith('/connectors/files/upload/request')) return 'ticket';
  if (method === 'PUT') return 'put';
  if (method === 'DELETE') return 'delete';
  return null;
}

interface Case {
  name: string;
  how: Misbehaviour;
  times?: number;
  code: number;
  says: RegExp;
  /** Requests the route got: a stall is tried at most twice (once for the first listing). */
  requests?: number;
}

const json = (body: string, status = 200, headers: Record<string, string> = {}): Misbehaviour => ({
  kind: 'answer',
  status,
  body,
  headers,
});
const huge: Misbehaviour = { kind: 'huge', bytes: 200 * MB };

// The first listing of a run is also the check that the remote works: its failures end the run with
// one message naming the address (exit 2 when the server there does not speak the API, 1 otherwise).
const LIST_CASES: Case[] = [
  {
    name: 'malformed JSON',
    how: json('{"files": [ oops'),
    code: 1,
    says: /Hoist cannot use Alloy at http:\/\/127\.0\.0\.1:\d+: .*list files \(not valid JSON\)/,
  },
  {
    name: 'a missing field',
    how: json('{"files": [{"filename": "a.txt"}]}'),
    code: 2,
    says: /Hoist cannot use Alloy .*list files \(files\[0\]\.s3Key is missing\)/,
  },
  {
    name: 'a field of the wrong type',
    how: json('{"files": "all of them"}'),
    code: 2,
    says: /Hoist cannot use Alloy .*list files \(files is a string, not a list\)/,
  },
  {
    name: 'a stall after the headers',
    how: { kind: 'stall-after-headers' },
    code: 1,
    says: /Alloy at 127\.0\.0\.1:\d+ stalled while Hoist tried to list files: no data for 2 s/,
    requests: 1,
  },
  {
    name: 'a stall mid-body',
    how: { kind: 'stall-mid-body' },
    code: 1,
    says: /Alloy at 127\.0\.0\.1:\d+ stalled while Hoist tried to list files: no data for 2 s/,
    requests: 1,
  },
  ...([301, 302, 307] as const).map((status): Case => ({
    name: `a ${status} redirect (not followed)`,
    how: { kind: 'redirect', status },
    code: 2,
    says: new RegExp(
      `Alloy redirected the request to http://127\\.0\\.0\\.1:\\d+/moved/connectors/files/list \\(${status}\\)\\. Check --remote\\.`,
    ),
    requests: 1,
  })),
  {
    name: '500s',
    how: json('{"error": {"message": "database on fire"}}', 500),
    code: 1,
    says: /Alloy could not list files because of a problem on its side \(500\)/,
    requests: 3,
  },
];

describe('the file list misbehaves', () => {
  for (const test of LIST_CASES) {
    it(
      `${test.name}: ends the run at once, naming the address and the cause`,
      async () => {
        const folder = await folderWith({ 'a.txt': 'a' });
        remote.misbehave('list', test.how, test.times);
        const run = await syncOnce(folder);
        expect(run.code, run.output).toBe(test.code);
        expect(run.output).toMatch(test.says);
        expect(run.output).toMatch(/Nothing was uploaded; 1 file\(s\) waiting: a\.txt/);
        if (test.requests !== undefined) expect(requestsTo('list')).toBe(test.requests);
        expect(requestsTo('ticket')).toBe(0);
        expect(remote.requests.some((request) => request.path.startsWith('/moved'))).toBe(false);
        expectBounded(run);
      },
      CASE_TIMEOUT_MS,
    );
  }

  it(
    'a 200 MB answer: refused, in memory bounded by the listing limit',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a' });
      remote.misbehave('list', huge);
      const run = await syncOnce(folder);
      // One 200 MB "entry": refused once it passes 64 KiB, as a server that does not speak the API.
      expect(run.code, run.output).toBe(2);
      expect(run.output).toMatch(/Hoist cannot use Alloy .*list files \(files\[0\] is larger than 64 KiB/);
      expect(run.seconds, run.output).toBeLessThan(WALL_BOUND_S);
      // Alloy's listing has no pages; it is parsed as it arrives, never held (was ~720 MB peak).
      expect(run.peakRss, run.output).toBeLessThan(RSS_BOUND);
      expect(remote.hugeBytesSent()).toBeLessThan(64 * MB);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    '429 with Retry-After, twice: waited out as asked, then the run goes on',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a' });
      remote.misbehave('list', json('{"error": "slow down"}', 429, { 'retry-after': '1' }), 2);
      const run = await syncOnce(folder);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/1 uploaded/);
      const listings = remote.requests.filter((request) => routeOf(request.method, request.path) === 'list');
      expect((listings[1]?.at ?? 0) - (listings[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect((listings[2]?.at ?? 0) - (listings[1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );
});

// A ticket failure is the file's: the run goes on with the others and lists it as not synced.
const TICKET_CASES: Case[] = [
  {
    name: 'malformed JSON',
    how: json('{"presignedUrl": '),
    code: 1,
    says: /a\.txt: Alloy sent a response Hoist could not read while trying to prepare the upload of a\.txt \(not valid JSON\)/,
    requests: 6,
  },
  {
    name: 'a missing field',
    how: json('{"presignedUrl": {"type": "new"}}'),
    code: 1,
    says: /a\.txt: Alloy answered in a form Hoist does not understand while trying to prepare the upload of a\.txt \(presignedUrl\.s3Key: /,
    requests: 1,
  },
  {
    name: 'a field of the wrong type',
    how: json('{"presignedUrl": {"type": 5, "s3Key": "k"}}'),
    code: 1,
    says: /prepare the upload of a\.txt \(presignedUrl\.type: /,
    requests: 1,
  },
  {
    name: 'a 200 MB answer',
    how: huge,
    code: 1,
    says: /a\.txt: Alloy's answer to "prepare the upload of a\.txt" was larger than the 256 KiB Hoist reads for it/,
    requests: 1,
  },
  {
    name: 'a stall after the headers',
    how: { kind: 'stall-after-headers' },
    code: 1,
    says: /a\.txt: Alloy at 127\.0\.0\.1:\d+ stalled while Hoist tried to prepare the upload of a\.txt: no data for 2 s/,
    requests: 2,
  },
  {
    name: 'a stall mid-body',
    how: { kind: 'stall-mid-body' },
    code: 1,
    says: /stalled while Hoist tried to prepare the upload of a\.txt: no data for 2 s/,
    requests: 2,
  },
  {
    name: 'a 307 redirect (not followed)',
    how: { kind: 'redirect', status: 307 },
    code: 1,
    says: /a\.txt: Alloy redirected the request to http:\/\/127\.0\.0\.1:\d+\/moved\/connectors\/files\/upload\/request \(307\)/,
    requests: 1,
  },
  {
    name: '500s, twice',
    how: json('{"error": {"message": "try later"}}', 500),
    times: 2,
    code: 0,
    says: /1 uploaded/,
    requests: 3,
  },
  {
    name: '429 with Retry-After, once',
    how: json('{"error": "slow down"}', 429, { 'retry-after': '1' }),
    times: 1,
    code: 0,
    says: /1 uploaded/,
    requests: 2,
  },
];

describe('the upload ticket misbehaves', () => {
  for (const test of TICKET_CASES) {
    it(
      `${test.name}: ${test.code === 0 ? 'retried until it works' : 'the file is not synced, and says why'}`,
      async () => {
        const folder = await folderWith({ 'a.txt': 'a' });
        remote.misbehave('ticket', test.how, test.times);
        const run = await syncOnce(folder);
        expect(run.code, run.output).toBe(test.code);
        expect(run.output).toMatch(test.says);
        if (test.requests !== undefined) expect(requestsTo('ticket')).toBe(test.requests);
        if (test.how.kind === 'huge') expect(remote.hugeBytesSent()).toBeLessThan(64 * MB);
        expectBounded(run);
      },
      CASE_TIMEOUT_MS,
    );
  }

  it(
    '429 with Retry-After: the next request waits as long as the server asked',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a' });
      remote.misbehave('ticket', json('{"error": "slow down"}', 429, { 'retry-after': '2' }), 1);
      const run = await syncOnce(folder);
      expect(run.code, run.output).toBe(0);
      const tickets = remote.requests.filter((request) => routeOf(request.method, request.path) === 'ticket');
      expect((tickets[1]?.at ?? 0) - (tickets[0]?.at ?? 0)).toBeGreaterThanOrEqual(1950);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );
});

// The presigned PUT goes to another host (127.0.0.2), as real Alloy sends it to S3.
const PUT_CASES: Case[] = [
  {
    name: 'an error body that is not the store’s XML',
    how: { kind: 'answer', status: 400, body: 'not xml {', headers: { 'content-type': 'text/plain' } },
    code: 1,
    says: /a\.txt: Alloy refused to store the file: not xml \{ \(400\)/,
    requests: 1,
  },
  {
    name: 'a 200 MB answer',
    how: huge,
    code: 1,
    says: /a\.txt: Alloy's answer to "store the file" was larger than the 256 KiB Hoist reads for it/,
    requests: 1,
  },
  {
    name: 'a stall after the headers',
    how: { kind: 'stall-after-headers' },
    code: 1,
    says: /a\.txt: Alloy at 127\.0\.0\.2:\d+ stalled while Hoist tried to store the file: no data for 2 s/,
    requests: 2,
  },
  {
    name: 'a stall mid-body',
    how: { kind: 'stall-mid-body' },
    code: 1,
    says: /a\.txt: Alloy at 127\.0\.0\.2:\d+ stalled while Hoist tried to store the file: no data for 2 s/,
    requests: 2,
  },
  {
    name: 'a 307 redirect (not followed)',
    how: { kind: 'redirect', status: 307 },
    code: 1,
    says: /a\.txt: Alloy redirected the request to http:\/\/127\.0\.0\.2:\d+\/moved\/bucket\/u1_a\.txt \(307\)/,
    requests: 1,
  },
  {
    name: '500s, twice',
    how: { kind: 'answer', status: 500, body: '<Error><Code>InternalError</Code></Error>' },
    times: 2,
    code: 0,
    says: /1 uploaded/,
    requests: 3,
  },
];

describe('the presigned PUT misbehaves', () => {
  for (const test of PUT_CASES) {
    it(
      `${test.name}: ${test.code === 0 ? 'retried until it works' : 'the file is not synced, and says why'}`,
      async () => {
        const folder = await folderWith({ 'a.txt': 'a' });
        remote.misbehave('put', test.how, test.times);
        const run = await syncOnce(folder);
        expect(run.code, run.output).toBe(test.code);
        expect(run.output).toMatch(test.says);
        if (test.requests !== undefined) expect(requestsTo('put')).toBe(test.requests);
        expectBounded(run);
      },
      CASE_TIMEOUT_MS,
    );
  }

  it(
    'a store that stops reading the body mid-upload: given up after the stall time-out, twice',
    async () => {
      const folder = await folderWith({ 'big.bin': Buffer.alloc(32 * MB, 7) });
      remote.misbehave('put', { kind: 'never-read' });
      const run = await syncOnce(folder);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(
        /big\.bin: Alloy at 127\.0\.0\.2:\d+ stalled while Hoist tried to store the file: no answer \(and nothing more of the request taken\) for 4 s/,
      );
      expect(requestsTo('put')).toBe(2);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );
});

describe('presigned URLs on another host', () => {
  it(
    '4 files are 4 uploads, and the store never sees the API token',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' });
      const run = await syncOnce(folder);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(
        /Synced with Alloy \(http:\/\/127\.0\.0\.1:\d+\): 4 uploaded \(4 bytes\), 0 already there, 0 not synced\./,
      );
      expect(remote.objectNames()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
      const puts = remote.requests.filter((request) => request.host === 'objects');
      expect(puts.map((request) => request.method)).toEqual(['PUT', 'PUT', 'PUT', 'PUT']);
      // On the wire: the API gets the token on every request; the other host never does.
      for (const put of puts) expect(put.headers.authorization).toBeUndefined();
      for (const put of puts) expect(JSON.stringify(put.headers)).not.toContain(TEST_TOKEN);
      const api = remote.requests.filter((request) => request.host === 'api');
      for (const request of api) expect(request.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'a store the API does not read: 4 files are not "8 uploaded" but 4 not synced, each saying why',
    async () => {
      await remote.close();
      remote = await startMisbehavingRemote({ listsUploads: false });
      const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'd.txt': 'd' });
      const run = await syncOnce(folder);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(/0 uploaded \(0 bytes\), 0 already there, 4 not synced\./);
      expect(run.output).toMatch(
        /a\.txt: Alloy accepted this file but does not list it afterwards, so it is not synced/,
      );
      // Sent once each, not again after every listing.
      expect(requestsTo('put')).toBe(4);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );
});

/** Three files synced by a run that works, then one deleted: the next run has one remote delete to do. */
async function folderWithOneDeletion(): Promise<string> {
  const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
  const first = await syncOnce(folder);
  expect(first.code, first.output).toBe(0);
  await rm(join(folder, 'b.txt'));
  return folder;
}

const DELETE_CASES: Case[] = [
  {
    name: 'a 200 MB answer',
    how: huge,
    code: 1,
    says: /b\.txt — Could not delete the remote copy: Alloy's answer to "delete u1_b\.txt" was larger than the 256 KiB Hoist reads for it/,
    requests: 1,
  },
  {
    name: 'a stall after the headers',
    how: { kind: 'stall-after-headers' },
    code: 1,
    says: /b\.txt — Could not delete the remote copy: Alloy at 127\.0\.0\.1:\d+ stalled while Hoist tried to delete u1_b\.txt: no data for 2 s/,
    requests: 2,
  },
  {
    name: 'a 302 redirect (not followed)',
    how: { kind: 'redirect', status: 302 },
    code: 1,
    says: /Could not delete the remote copy: Alloy redirected the request to http:\/\/127\.0\.0\.1:\d+\/moved\/connectors\/files\/u1_b\.txt \(302\)/,
    requests: 1,
  },
  {
    name: '500s, twice',
    how: json('{"error": {"message": "try later"}}', 500),
    times: 2,
    code: 0,
    says: /deleted/,
    requests: 3,
  },
  {
    name: 'an answer that is not JSON (a delete reads no answer)',
    how: json('<<not json>>'),
    code: 0,
    says: /deleted/,
    requests: 1,
  },
];

describe('the delete misbehaves', () => {
  for (const test of DELETE_CASES) {
    it(
      `${test.name}: ${test.code === 0 ? 'the copy is deleted' : 'the copy stays, the run says so'}`,
      async () => {
        const folder = await folderWithOneDeletion();
        remote.misbehave('delete', test.how, test.times);
        const run = await syncOnce(folder, ['--delete-remote']);
        expect(run.code, run.output).toBe(test.code);
        expect(run.output).toMatch(test.says);
        if (test.code !== 0)
          expect(run.output).toMatch(/1 remote copy of deleted files could not be deleted/);
        if (test.requests !== undefined) expect(requestsTo('delete')).toBe(test.requests);
        expectBounded(run);
      },
      CASE_TIMEOUT_MS,
    );
  }
});

describe('the run time limit', () => {
  it(
    'a remote that throttles every ticket for longer than the run may last: stopped cleanly, exit 124, naming what it waited on',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a', 'b.txt': 'b' });
      remote.misbehave('ticket', json('{"error": "slow down"}', 429, { 'retry-after': '60' }));
      const run = await syncOnce(folder, ['--time-limit', '5s']);
      expect(run.code, run.output).toBe(124);
      expect(run.output).toMatch(/Stopped at the time limit \(--time-limit 5 s\), still waiting to:/);
      expect(run.output).toMatch(
        /upload [ab]\.txt \(waiting \d+ s; last try: Alloy asked Hoist to slow down \(429\)\)/,
      );
      expect(run.output).toMatch(/0 uploaded .* 2 not synced/);
      expect(run.seconds).toBeLessThan(20);
      expectBounded(run);
      // Nothing half-recorded: the next run, against a remote that works, uploads both.
      remote.behave();
      const next = await syncOnce(folder);
      expect(next.code, next.output).toBe(0);
      expect(next.output).toMatch(/2 uploaded/);
    },
    CASE_TIMEOUT_MS,
  );
});

describe('other dialects', () => {
  // Every route of a server that sends its headers and then nothing: the first request, whatever
  // the dialect makes it, stalls.
  async function stallingServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  for (const [provider, label] of [
    ['composio', 'Composio'],
    ['openwebui', 'Open WebUI'],
  ] as const) {
    it(
      `${label}: a listing that stalls after its headers ends the run, naming the host`,
      async () => {
        const stalling = await stallingServer();
        try {
          const folder = await folderWith({ 'a.txt': 'a' });
          const started = performance.now();
          const run = await processes.run(
            [
              'sync',
              folder,
              '--once',
              '--provider',
              provider,
              '--remote',
              stalling.url,
              '--state',
              join(home.path, 'state'),
              '--stall-timeout',
              '2s',
            ],
            { env: { HOIST_TOKEN: TEST_TOKEN }, timeoutMs: 3 * WALL_BOUND_S * 1000 },
          );
          expect(run.code, run.stderr).toBe(1);
          expect(run.stderr).toMatch(
            new RegExp(
              `${label} at 127\\.0\\.0\\.1:\\d+ stalled while Hoist tried to list files( \\(page 1\\))?: no data for 2 s`,
            ),
          );
          expect((performance.now() - started) / 1000).toBeLessThan(WALL_BOUND_S);
        } finally {
          await stalling.close();
        }
      },
      CASE_TIMEOUT_MS,
    );
  }
});

describe('never silent while waiting', () => {
  it(
    'a listing that stalls for longer than 10 s: a line every 10 s says what Hoist waits on',
    async () => {
      const folder = await folderWith({ 'a.txt': 'a' });
      remote.misbehave('list', { kind: 'stall-after-headers' });
      const run = await syncOnce(folder, ['--stall-timeout', '12s']);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(
        /still waiting to list the files on Alloy \(waiting 1[01] s\); nothing new in the last 10 s/,
      );
      expect(run.output).toMatch(/stalled while Hoist tried to list files: no data for 12 s/);
      expectBounded(run);
    },
    CASE_TIMEOUT_MS,
  );
});
