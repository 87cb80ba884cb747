import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InFlightCounter } from '../../electron/server/in-flight-counter.js';
import { CliProcesses } from '../support/cli-process.js';
import { MultipartHttp } from '../support/multipart-http.js';
import { PartPutLog } from '../support/part-put-log.js';
import { until } from '../support/poll-until.js';
import { storedBytes } from '../support/stored-bytes.js';
import { makeTempDir } from '../support/temp-dir.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';

let home: { path: string; remove: () => Promise<void> };
let server: TestServer;
let log: PartPutLog;
const inFlight = new InFlightCounter();
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-multipart-resume-');
  log = new PartPutLog();
  server = await startTestServer({ log: log.log, inFlight });
});

afterEach(async () => {
  await processes.killAll();
  await server.close();
  await home.remove();
});

const md5 = (content: Buffer): string => createHash('md5').update(content).digest('hex');

// The CLI's parts are 8 MiB: 4 whole parts and a short last one.
const PART = 8 * 1024 * 1024;
const SIZE = 4 * PART + 1024 * 1024;
const PARTS = 5;

describe('hoist sync --once, killed (SIGKILL) in the middle of an upload in parts', () => {
  it('the next run completes it from the parts the server holds, sending none of them again', async () => {
    const folder = join(home.path, 'folder');
    await mkdir(folder);
    const content = randomBytes(SIZE);
    await writeFile(join(folder, 'video.bin'), content);
    // Each part waits 300 ms at the server before it is read, and parts go one at a time, so the
    // client is still busy when the server has stored two of them.
    server.server.faults.set({ seed: 1, routes: { 'object.put-part': { latencyMs: 300 } } });
    const args = [
      'sync',
      folder,
      '--once',
      '--quiet',
      '--multipart-threshold',
      '1M',
      '--concurrency',
      '1',
      '--provider',
      'local',
      '--remote',
      server.url,
      '--state',
      join(home.path, 'state'),
    ];
    const env = { HOIST_TOKEN: TEST_USERS.alice.token };

    const first = processes.spawn(args, env);
    await until('the server stored two parts', () => log.stored().length >= 2);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // A part on the wire at the kill ends (aborted) before the server's list is read.
    await until('no part PUT is in flight', () => inFlight.now('object.put-part') === 0);
    const uploadId = log.uploadId();
    const listed = await new MultipartHttp(server.url, TEST_USERS.alice.token).listed(uploadId);
    const storedBeforeRerun = listed.parts.map((part) => part.partNumber);
    expect(storedBeforeRerun.length).toBeGreaterThanOrEqual(2);
    expect(storedBeforeRerun.length).toBeLessThan(PARTS);
    const putsBeforeRerun = log.puts.length;

    server.server.faults.set(null);
    const second = await processes.run(args, { env, timeoutMs: 60_000 });

    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/1 uploaded/);
    // None the server held was sent again, and each part was stored exactly once over both runs.
    const sentAgain = log.countsSince(putsBeforeRerun);
    expect(storedBeforeRerun.filter((part) => sentAgain.has(part))).toEqual([]);
    expect([...log.stored()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: PARTS }, (_, index) => index + 1),
    );
    expect(log.uploadId()).toBe(uploadId);
    expect(server.server.requestCounts.get('alloy.multipart-create')).toBe(1);
    expect(server.server.requestCounts.get('alloy.multipart-complete')).toBe(1);
    const [file] = await new MultipartHttp(server.url, TEST_USERS.alice.token).fileList();
    expect(file).toMatchObject({ filename: 'video.bin', size: SIZE });
    expect(md5(await storedBytes(server.dataDir, file?.s3Key ?? ''))).toBe(md5(content));
  }, 120_000);
});
