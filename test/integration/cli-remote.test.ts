import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcesses, type Cli, type Exit } from '../support/cli-process.js';
import { http } from '../support/http.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';
import { makeTempDir } from '../support/temp-dir.js';
import { alloyHeaders } from '../support/alloy-requests.js';

const ALICE = { name: 'alice', token: 'alice-cli-token-01' };

let home: { path: string; remove: () => Promise<void> };
const processes = new CliProcesses(() => home.path);

beforeEach(async () => {
  home = await makeTempDir('hoist-cli-');
});

afterEach(async () => {
  await processes.killAll();
  await home.remove();
});

/** `hoist remote` on a free port with its data in the test's temp dir; resolves once it listens. */
async function startRemote(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ cli: Cli; url: string }> {
  const cli = processes.spawn(['remote', '--port', '0', '--no-fsync', ...args], env);
  const [, url] = await cli.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+) /);
  // The banner ends with the users line; wait for all of it, it may arrive in more than one chunk.
  await cli.waitForStdout(/^ {2}users: .*\n/m);
  return { cli, url: url as string };
}

const dataDir = (): string => join(home.path, 'data');

async function stop(cli: Cli, signal: NodeJS.Signals): Promise<Exit> {
  cli.child.kill(signal);
  return cli.exited;
}

const requestLines = (stdout: string): string[] =>
  stdout.split('\n').filter((line) => / route=\S+$/.test(line));

describe('hoist remote: start and stop', () => {
  it('listens on a free port, answers an authenticated Alloy list and stops on SIGTERM', async () => {
    const { cli, url } = await startRemote(['--data', dataDir(), '--user', `${ALICE.name}:${ALICE.token}`]);
    expect(cli.stdout()).toContain('users: alice');
    expect(cli.stdout()).not.toContain('has token');

    const list = await http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) });
    expect(list.status, list.text).toBe(200);
    expect(list.json()).toEqual({ files: [] });
    const denied = await http(`${url}/connectors/files/list`, { headers: alloyHeaders('not-the-token') });
    expect(denied.status).toBe(401);

    expect(await stop(cli, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/SIGTERM: shutting down\nstopped\n/);
    await expect(
      http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) }),
    ).rejects.toThrow();
  });

  it('stops on SIGINT (Ctrl-C) the same way', async () => {
    const { cli, url } = await startRemote(['--data', dataDir(), '--user', `${ALICE.name}:${ALICE.token}`]);
    expect((await http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) })).status).toBe(
      200,
    );
    expect(await stop(cli, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/SIGINT: shutting down\nstopped\n/);
    expect(cli.stderr()).toBe('');
  });

  it('exits within the 5 s grace when a request is still in flight', async () => {
    const plan = { seed: 1, routes: { 'alloy.list': { latencyMs: 60_000 } } };
    const { cli, url } = await startRemote([
      '--data',
      dataDir(),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--faults',
      JSON.stringify(plan),
    ]);
    // A quick request first opens a keep-alive connection; the stalled one then reuses it, so it reaches
    // the server at once instead of racing a new connection against the signal.
    expect((await http(`${url}/api/v3/files/list`, { headers: { 'x-api-key': ALICE.token } })).status).toBe(
      200,
    );
    const stalled = http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) }).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = Date.now();
    const exit = await stop(cli, 'SIGTERM');
    const elapsed = Date.now() - started;
    expect(exit).toEqual({ code: 0, signal: null });
    // It waited for the in-flight request (so it was in flight) but not for its 60 s of latency.
    expect(elapsed).toBeGreaterThanOrEqual(4_500);
    expect(elapsed).toBeLessThan(9_000);
    expect(cli.stdout()).toMatch(/SIGTERM: shutting down\nstopped\n/);
    expect(await stalled).toBe('cut');
  });

  it('fails with exit code 2 (configuration) when the port is taken', async () => {
    const { url } = await startRemote(['--data', dataDir(), '--user', `${ALICE.name}:${ALICE.token}`]);
    const port = new URL(url).port;
    const second = await processes.run([
      'remote',
      '--port',
      port,
      '--data',
      join(home.path, 'other'),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
    ]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already in use \(EADDRINUSE\): choose another with --port/);
  });
});

describe('hoist remote: users', () => {
  it('without --user prints the token of user "local", keeps it, and prints the same one after a restart', async () => {
    const first = await startRemote(['--data', dataDir()]);
    const [, token] = await first.cli.waitForStdout(/No --user given: user "local" has token (\S+)/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const list = await http(`${first.url}/connectors/files/list`, { headers: alloyHeaders(token as string) });
    expect(list.status, list.text).toBe(200);

    const file = join(dataDir(), 'default-user.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ name: 'local', token });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await stop(first.cli, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startRemote(['--data', dataDir()]);
    const [, again] = await second.cli.waitForStdout(/user "local" has token (\S+)/);
    expect(again).toBe(token);
    const relist = await http(`${second.url}/connectors/files/list`, {
      headers: alloyHeaders(token as string),
    });
    expect(relist.status).toBe(200);

    // A different data dir is a different remote with its own token.
    const other = await startRemote(['--data', join(home.path, 'other')]);
    const [, otherToken] = await other.cli.waitForStdout(/user "local" has token (\S+)/);
    expect(otherToken).not.toBe(token);
  });

  it('takes users from --users-file, admins included', async () => {
    const usersFile = join(home.path, 'users.json');
    await writeFile(
      usersFile,
      JSON.stringify([
        { name: 'carol', token: 'carol-token-0001', admin: true },
        { name: 'dave', token: 'dave-token-00002' },
      ]),
    );
    const { cli, url } = await startRemote(['--data', dataDir(), '--users-file', usersFile]);
    expect(cli.stdout()).toContain('users: carol (admin), dave');
    expect(cli.stdout()).not.toContain('has token');

    const form = new FormData();
    form.append('file', new Blob(['dave wrote this']), 'dave.txt');
    const upload = await http(`${url}/api/v1/files/`, {
      method: 'POST',
      headers: { authorization: 'Bearer dave-token-00002' },
      body: form,
    });
    expect(upload.status, upload.text).toBe(200);
    // carol is an admin: Open WebUI shows her everyone's files.
    const seen = await http(`${url}/api/v1/files/`, {
      headers: { authorization: 'Bearer carol-token-0001' },
    });
    expect(seen.json<Array<{ filename: string }>>().map((file) => file.filename)).toEqual(['dave.txt']);
    await expect(stat(join(dataDir(), 'default-user.json'))).rejects.toThrow();
  });

  it('refuses a users file that is missing, not JSON or not a list of users', async () => {
    const cases: Array<[string, string | null]> = [
      ['missing.json', null],
      ['broken.json', '[{"name": "carol",'],
      ['object.json', '{"name": "carol", "token": "carol-token-0001"}'],
      ['extra.json', '[{"name": "carol", "token": "carol-token-0001", "role": "admin"}]'],
      ['short.json', '[{"name": "carol", "token": "short"}]'],
    ];
    for (const [name, content] of cases) {
      const file = join(home.path, name);
      if (content !== null) await writeFile(file, content);
      const result = await processes.run([
        'remote',
        '--port',
        '0',
        '--data',
        dataDir(),
        '--users-file',
        file,
      ]);
      expect(result.code, `${name}: ${result.stderr}`).toBe(2);
      expect(result.stderr, name).toMatch(/users file|at least 8 characters/);
      expect(result.stdout, name).not.toContain('listening');
    }
  });
});

describe('hoist remote: usage errors', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['--bogus'], /Unknown option '--bogus'/],
    ['a positional argument', ['extra'], /Unexpected argument 'extra'/],
    [
      'a port that is not a number',
      ['--port', 'abc'],
      /--port must be an integer from 0 to 65535, not "abc"/,
    ],
    ['a port out of range', ['--port', '70000'], /--port must be an integer from 0 to 65535/],
    ['an empty port', ['--port', ''], /--port must be an integer/],
    ['a port in hex', ['--port', '0x50'], /--port must be an integer/],
    ['a negative URL TTL', ['--url-ttl=-5'], /--url-ttl must be an integer/],
    ['--backend s3 without --s3-bucket', ['--backend', 's3'], /--backend s3 needs --s3-bucket/],
    ['an unknown backend', ['--backend', 'ftp'], /--backend must be fs or s3, not ftp/],
    ['S3 options without --backend s3', ['--s3-bucket', 'b'], /--s3-bucket needs --backend s3/],
    [
      'an S3 endpoint that is not a URL',
      ['--backend', 's3', '--s3-bucket', 'b', '--s3-endpoint', 'localhost:9000'],
      /--s3-endpoint must be an http/,
    ],
    ['a public URL that is not a URL', ['--public-url', 'remote.example'], /--public-url must be an http/],
    ['--faults that is not JSON', ['--faults', '{seed: 1'], /--faults is not a valid fault plan/],
    [
      '--faults with a rate above 1',
      ['--faults', '{"seed":1,"routes":{"*":{"errorRate":2}}}'],
      /--faults is not a valid fault plan/,
    ],
    [
      '--faults with an unknown field',
      ['--faults', '{"seed":1,"routes":{"*":{"dropRate":1}}}'],
      /--faults is not a valid fault plan/,
    ],
    ['--faults @ a missing file', ['--faults', '@/nonexistent/plan.json'], /Cannot read the faults file/],
    ['--user without a token', ['--user', 'eve'], /--user expects NAME:TOKEN/],
    ['--user with a short token', ['--user', 'eve:short'], /at least 8 characters/],
    ['--user with a bad name', ['--user', 'e v e:token-000001'], /must be 1-64 characters/],
    ['the same user twice', ['--user', 'eve:token-000001', '--user', 'eve:token-000002'], /defined twice/],
  ];

  it.each(cases)('exits 2 with a clear message on %s', async (_what, args, message) => {
    const result = await processes.run(['remote', '--data', dataDir(), ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hoist remote: /);
    expect(result.stderr).toContain('Usage: hoist remote');
    expect(result.stdout).not.toContain('listening');
    // A usage error touches nothing: no data dir, no default user.
    await expect(stat(dataDir())).rejects.toThrow();
  });

  it('exits 2 on an unknown command or none', async () => {
    const unknown = await processes.run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const none = await processes.run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: hoist <command>');
  });

  it('prints help and exits 0', async () => {
    const top = await processes.run(['--help']);
    expect(top).toMatchObject({ code: 0, stderr: '' });
    expect(top.stdout).toContain('Usage: hoist <command>');
    expect(top.stdout).toContain('remote');
    const remote = await processes.run(['remote', '--help']);
    expect(remote).toMatchObject({ code: 0, stderr: '' });
    expect(remote.stdout).toContain('Usage: hoist remote [options]');
    expect(remote.stdout).toContain('--users-file FILE');
    expect(remote.stdout).not.toContain('listening');
  });
});

describe('hoist remote: faults and the request log', () => {
  it('applies a --faults plan given inline or as @file', async () => {
    const inline = { seed: 1, routes: { 'alloy.list': { throttleRate: 1, retryAfterSeconds: 7 } } };
    const { url } = await startRemote([
      '--data',
      dataDir(),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--faults',
      JSON.stringify(inline),
    ]);
    const throttled = await http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    const other = await http(`${url}/api/v3/files/list`, { headers: { 'x-api-key': ALICE.token } });
    expect(other.status).toBe(200);

    const planFile = join(home.path, 'plan.json');
    await writeFile(
      planFile,
      JSON.stringify({ seed: 3, routes: { 'owui.*': { errorRate: 1, errorStatus: 503 } } }),
    );
    const fromFile = await startRemote([
      '--data',
      join(home.path, 'other'),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--faults',
      `@${planFile}`,
    ]);
    const failed = await http(`${fromFile.url}/api/v1/files/`, {
      headers: { authorization: `Bearer ${ALICE.token}` },
    });
    expect(failed.status).toBe(503);
    expect(
      (await http(`${fromFile.url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) })).status,
    ).toBe(200);
  });

  it('hands out Azure-style Composio upload URLs with --composio-storage azure_blob_storage', async () => {
    const { url } = await startRemote([
      '--data',
      dataDir(),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--composio-storage',
      'azure_blob_storage',
    ]);
    const body = 'azure bytes';
    const answer = await http(`${url}/api/v3.1/files/upload/request`, {
      method: 'POST',
      headers: { 'x-api-key': ALICE.token, 'content-type': 'application/json' },
      body: JSON.stringify({
        toolkit_slug: 'kit',
        tool_slug: 'tool',
        filename: 'a.txt',
        mimetype: 'text/plain',
        md5: createHash('md5').update(body).digest('hex'),
      }),
    });
    const ticket = answer.json<{ new_presigned_url: string; metadata: { storage_backend: string } }>();
    expect(ticket.metadata.storage_backend).toBe('azure_blob_storage');
    const bare = await http(ticket.new_presigned_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(bare.status).toBe(400);
    const put = await http(ticket.new_presigned_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'x-ms-blob-type': 'BlockBlob' },
      body,
    });
    expect(put.status, put.text).toBe(201);

    const wrong = processes.spawn(['remote', '--port', '0', '--composio-storage', 'gcs'], {});
    const exit = await wrong.exited;
    expect(exit.code).toBe(2);
    expect(wrong.stderr()).toContain('--composio-storage must be s3 or azure_blob_storage');
  });

  /** Five requests of different kinds; returns the presigned URL's signature for leak checks. */
  const exercise = async (url: string): Promise<string> => {
    const body = 'logged bytes';
    const md5 = createHash('md5').update(body).digest('hex');
    const requested = await http(`${url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(ALICE.token),
      body: JSON.stringify({ filename: 'log me.txt', mimeType: 'text/plain', md5 }),
    });
    expect(requested.status, requested.text).toBe(200);
    const ticket = requested.json<{ presignedUrl: { md5: string; presignedUrl: string } }>().presignedUrl;
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body,
    });
    expect(put.status, put.text).toBe(200);
    expect((await http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) })).status).toBe(
      200,
    );
    expect(
      (await http(`${url}/connectors/files/list`, { headers: alloyHeaders('wrong-token-xyz') })).status,
    ).toBe(401);
    expect((await http(`${url}/nowhere?token=${ALICE.token}`)).status).toBe(404);
    const signature = new URL(ticket.presignedUrl).searchParams.get('X-Hoist-Signature');
    expect(signature).toBeTruthy();
    return signature as string;
  };

  it('logs one line per request, without query strings or credentials', async () => {
    const { cli, url } = await startRemote(['--data', dataDir(), '--user', `${ALICE.name}:${ALICE.token}`]);
    const signature = await exercise(url);
    // Lines are written when each response closes: wait for the fifth, then stop to flush everything.
    await cli.waitForStdout(/(?:route=\S+\n[^]*){5}/);
    expect(await stop(cli, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const lines = requestLines(cli.stdout());
    expect(lines).toHaveLength(5);
    const fields = lines.map((line) => line.split(' '));
    for (const line of fields) {
      expect(line).toHaveLength(9);
      expect(line[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
      expect(line[1]).toMatch(/^[0-9a-f]{16}$/);
      expect(line[5]).toMatch(/^\d+ms$/);
    }
    expect(fields.map((line) => [line[2], line[4], line[7], line[8]])).toEqual([
      ['POST', '200', 'user=alice', 'route=alloy.upload-request'],
      ['PUT', '200', 'user=-', 'route=object.put'],
      ['GET', '200', 'user=alice', 'route=alloy.list'],
      ['GET', '401', 'user=-', 'route=alloy.list'],
      ['GET', '404', 'user=-', 'route=unmatched'],
    ]);
    expect(fields[1]?.[3]).toMatch(/^\/objects\/alloy\/[0-9a-f]{24}_log%20me\.txt$/);
    expect(fields[4]?.[3]).toBe('/nowhere');
    // Nothing anywhere in the output gives away a credential or a presigned URL's signature.
    const output = cli.stdout() + cli.stderr();
    expect(output).not.toContain(ALICE.token);
    expect(output).not.toContain('wrong-token-xyz');
    expect(output).not.toContain(signature);
    expect(output).not.toContain('X-Hoist-Signature');
    for (const line of lines) expect(line).not.toContain('?');
  });

  it('logs nothing per request with --quiet', async () => {
    const { cli, url } = await startRemote([
      '--data',
      dataDir(),
      '--user',
      `${ALICE.name}:${ALICE.token}`,
      '--quiet',
    ]);
    await exercise(url);
    expect(await stop(cli, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(requestLines(cli.stdout())).toEqual([]);
    expect(cli.stdout()).toContain('listening on');
    expect(cli.stdout()).toContain('stopped');
  });
});

describe('hoist remote --backend s3', () => {
  let s3: S3Emulator;
  beforeEach(async () => {
    s3 = await startS3Emulator();
  });
  afterEach(async () => {
    await s3?.stop();
  });

  it('stores in the bucket with credentials from the AWS environment and stops cleanly', async () => {
    const { cli, url } = await startRemote(
      [
        '--data',
        dataDir(),
        '--user',
        `${ALICE.name}:${ALICE.token}`,
        '--backend',
        's3',
        '--s3-bucket',
        s3.bucket,
        '--s3-endpoint',
        s3.endpoint,
        '--s3-path-style',
      ],
      { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    );
    expect(cli.stdout()).toContain('(backend s3,');
    const body = 'to the bucket';
    const requested = await http(`${url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(ALICE.token),
      body: JSON.stringify({
        filename: 'bucket.txt',
        mimeType: 'text/plain',
        md5: createHash('md5').update(body).digest('hex'),
      }),
    });
    expect(requested.status, requested.text).toBe(200);
    const ticket = requested.json<{ presignedUrl: { md5: string; presignedUrl: string } }>().presignedUrl;
    expect(new URL(ticket.presignedUrl).origin).toBe(s3.endpoint);
    const put = await http(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'content-md5': ticket.md5 },
      body,
    });
    expect(put.status, put.text).toBe(200);
    const list = await http(`${url}/connectors/files/list`, { headers: alloyHeaders(ALICE.token) });
    expect(list.json()).toEqual({
      files: [expect.objectContaining({ filename: 'bucket.txt', size: body.length })],
    });

    expect(await stop(cli, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toContain('stopped');
  });
});
