// Past 300 lines on purpose: one scenario per way a token could escape (each API, a rejected token,
// servers that echo it, a crash, the browser bridge), all checked by the same sweep at the end of
// each; split, the sweep and the shared reference server would be repeated in every file.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcesses, type Cli } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { secretsIn, secretsUnder, watchCommandLines } from '../support/secret-scan.js';
import { makeTempDir } from '../support/temp-dir.js';
import { UI_LINK, openBridge, openLink } from '../support/ui-session.js';

// The API token never appears in a log, a DB (WAL included), a lock file, crash output, a process's
// command line or a bridge message (issue 11), whatever happens: a normal sync with each API, a
// rejected token, servers that echo the token back in their errors (raw, URL-encoded, base64), a
// SIGKILL mid-upload, and a `hoist ui` session. The tokens hold characters that URL-encoding and
// base64 change, so each encoded form is a different string to look for.

const SECRET = 'hoist-Secret+Token/4f2c=9Z';
const WRONG = 'hoist-Wrong+Token/77aa=Q1';
const SECRETS = [SECRET, WRONG];
const PROVIDERS = ['alloy', 'composio', 'openwebui'] as const;

let home: { path: string; remove: () => Promise<void> };
let outside: { path: string; remove: () => Promise<void> };
let remote: Cli;
let remoteUrl: string;
const processes = new CliProcesses(() => home.path);
/** Every spawned process's output and command lines, swept with the files after each test. */
const spawned: Array<{ cli: Cli; commandLines: Set<string> }> = [];

beforeAll(async () => {
  home = await makeTempDir('hoist-secrets-');
  // The users file must hold the token; it lives outside the swept tree.
  outside = await makeTempDir('hoist-secrets-users-');
  const users = join(outside.path, 'users.json');
  await writeFile(users, JSON.stringify([{ name: 'carol', token: SECRET }]));
  // A real `hoist remote` process, logging every request, with its data under the swept tree.
  remote = spawn(['remote', '--port', '0', '--data', join(home.path, 'remote-data'), '--users-file', users]);
  const [, url] = await remote.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
  remoteUrl = url as string;
});

afterAll(async () => {
  await processes.killAll();
  await outside?.remove();
  await home?.remove();
});

afterEach(async () => {
  // Whatever each scenario left: files, output, command lines, the server's log included.
  const found = await secretsUnder(home.path, SECRETS);
  for (const { cli, commandLines } of spawned) {
    found.push(...secretsIn(`stdout of ${cli.child.pid}`, cli.stdout(), SECRETS));
    found.push(...secretsIn(`stderr of ${cli.child.pid}`, cli.stderr(), SECRETS));
    for (const line of commandLines) found.push(...secretsIn(`command line ${line}`, line, SECRETS));
  }
  expect(found).toEqual([]);
  // The command lines were really read: hoist's own is among them.
  const lines = spawned.flatMap(({ commandLines }) => [...commandLines]);
  expect(lines.some((line) => line.includes('dist/electron/cli/main.js'))).toBe(true);
});

/** Spawns hoist with HOME and the data root inside the swept tree, watching its command lines. */
function spawn(args: string[], env: Record<string, string> = {}): Cli {
  const cli = processes.spawn(args, { HOME: home.path, XDG_DATA_HOME: join(home.path, 'xdg'), ...env });
  const watch = watchCommandLines(cli.child.pid ?? 0);
  void cli.exited.then(() => watch.stop());
  spawned.push({ cli, commandLines: watch.seen });
  return cli;
}

async function run(args: string[], token: string, timeoutMs = 60_000) {
  const cli = spawn(args, { HOIST_TOKEN: token });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  const exit = await cli.exited;
  clearTimeout(timer);
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

const state = (): string => join(home.path, 'state');
const remoteArgs = (provider: string, url = remoteUrl): string[] => [
  '--provider',
  provider,
  '--remote',
  url,
  '--state',
  state(),
];

async function folder(name: string, files = 3): Promise<string> {
  const root = join(home.path, name);
  await mkdir(root, { recursive: true });
  // Named after the folder: every folder syncs to the same account, where equal names would conflict.
  for (let index = 0; index < files; index++) {
    await writeFile(join(root, `${name}-${index}.txt`), `${name} ${index}`);
  }
  return root;
}

describe('the token stays secret', () => {
  it('in syncs with each API, then status and ls', async () => {
    for (const provider of PROVIDERS) {
      const root = await folder(`ok-${provider}`);
      const sync = await run(['sync', root, '--once', ...remoteArgs(provider)], SECRET);
      expect(sync.code, sync.stdout + sync.stderr).toBe(0);
      expect(sync.stdout).toMatch(/3 uploaded/);
      expect((await run(['status', root, '--json', ...remoteArgs(provider)], SECRET)).code).toBe(0);
      expect((await run(['ls', '--json', ...remoteArgs(provider)], SECRET)).code).toBe(0);
    }
    // The server did log requests (so its log was worth sweeping).
    expect(remote.stdout()).toMatch(/object\.put|alloy\.upload-request|composio/);
  }, 120_000);

  it('when the token is rejected, or cannot be sent (a line break in it)', async () => {
    for (const provider of PROVIDERS) {
      const root = await folder(`wrong-${provider}`);
      const rejected = await run(['sync', root, '--once', ...remoteArgs(provider)], WRONG);
      expect(rejected.code).toBe(1);
      expect(rejected.stderr).toMatch(/rejected the API (token|key) \(401\)/);
      const broken = await run(['sync', root, '--once', ...remoteArgs(provider)], `${SECRET}\n`);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/contains a line break or another control character/);
    }
  }, 120_000);

  it('when a server echoes it back in its errors: 400, 401, 403, 500, raw, URL-encoded and base64', async () => {
    const echo = await echoingServer(() => true);
    try {
      for (const status of [400, 401, 403, 500]) {
        echo.status = status;
        for (const provider of PROVIDERS) {
          const root = await folder(`echo-${status}-${provider}`, 1);
          const result = await run(['sync', root, '--once', ...remoteArgs(provider, echo.url)], SECRET);
          expect(result.code, `${status} ${provider}: ${result.stderr}`).not.toBe(0);
        }
      }
      // The echo did carry the token: what reached Hoist would have leaked it.
      expect(echo.echoed()).toBeGreaterThan(0);
    } finally {
      await echo.close();
    }
  }, 180_000);

  it('when the listing works but every upload is refused with the token echoed (400)', async () => {
    const echo = await echoingServer((req) => req.method !== 'GET');
    echo.status = 400;
    try {
      for (const provider of PROVIDERS) {
        const root = await folder(`echo-upload-${provider}`, 2);
        const result = await run(['sync', root, '--once', ...remoteArgs(provider, echo.url)], SECRET);
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stderr).toMatch(/Not synced \(2\)/);
      }
      expect(echo.echoed()).toBeGreaterThan(0);
    } finally {
      await echo.close();
    }
  }, 120_000);

  it('after a SIGKILL mid-upload: the DB, its WAL and the lock file left behind', async () => {
    // Every request but a listing is held: the run is stuck mid-upload when it is killed.
    const echo = await echoingServer((req) => req.method !== 'GET', { hold: true });
    try {
      const root = await folder('killed', 5);
      const cli = spawn(['sync', root, '--once', ...remoteArgs('alloy', echo.url)], { HOIST_TOKEN: SECRET });
      await until('an upload is under way', () => echo.held() > 0);
      cli.child.kill('SIGKILL');
      expect((await cli.exited).signal).toBe('SIGKILL');
      // What a crash leaves is there to be swept: the WAL not yet checkpointed, the lock's owner file.
      const left = await readdir(join(state(), 'pairs'), { recursive: true });
      expect(left.filter((file) => /state\.db-wal$|owner\.json$/.test(file)).length).toBeGreaterThanOrEqual(
        2,
      );
    } finally {
      await echo.close();
    }
  }, 60_000);

  it('in every bridge message of a hoist ui session, and its output', async () => {
    const root = await folder('ui', 2);
    const ui = spawn(['ui', '--no-open', root, ...remoteArgs('alloy')], { HOIST_TOKEN: SECRET });
    const [, link] = await ui.waitForStdout(UI_LINK, 30_000);
    const bridge = await openBridge(await openLink(link as string));
    try {
      const app = (await bridge.call('app.get')) as { result?: { folders?: Array<{ id: string }> } };
      const folder = app.result?.folders?.[0]?.id;
      expect(folder).toBeDefined();
      await until('both files are on the remote', async () => {
        const status = (await bridge.call('status.get', { folder })) as {
          result?: { counts?: { synced: number } };
        };
        return status.result?.counts?.synced === 2;
      });
      for (const command of ['app.get', 'settings.get', 'files.unsynced', 'conflicts.list', 'ignore.read']) {
        expect(await bridge.call(command, command === 'app.get' ? {} : { folder })).toMatchObject({
          ok: true,
        });
      }
      await bridge.call('activity.page', { folder, offset: 0, limit: 1000 });
      await bridge.call('remote.page', { folder, offset: 0, limit: 100 });
      // The window sends tokens to the host; nothing it gets back may carry one.
      expect(
        await bridge.call('connection.test', { provider: 'alloy', remoteUrl, token: WRONG }),
      ).toMatchObject({ ok: true, result: { ok: false } });
      expect(
        await bridge.call('connection.test', { provider: 'alloy', remoteUrl, token: SECRET }),
      ).toMatchObject({ ok: true, result: { ok: true } });
      await bridge.call('token.set', { folder, token: WRONG });
      await writeFile(join(root, 'after-wrong.txt'), 'written while the token is wrong');
      await bridge.call('sync.now', { folder });
      await until('the rejected token is a problem', () =>
        bridge.received.some((message) => /rejected the API token/.test(message)),
      );
      await bridge.call('token.set', { folder, token: SECRET });
      await bridge.call('sync.now', { folder });
      await bridge.call('activity.page', { folder, offset: 0, limit: 1000 });
      expect(bridge.received.length).toBeGreaterThan(10);
      const leaks = bridge.received.flatMap((message, index) =>
        secretsIn(`bridge message ${index}`, message, SECRETS),
      );
      expect(leaks).toEqual([]);
    } finally {
      bridge.close();
      ui.child.kill('SIGTERM');
      expect((await ui.exited).code).toBe(0);
    }
  }, 120_000);
});

/**
 * A remote that answers some requests (`echoes`) with an error whose body, message and headers carry
 * the token as it came (Authorization or x-api-key), URL-encoded and in base64; the others go to the
 * reference server. With `hold`, echoed requests are never answered.
 */
async function echoingServer(echoes: (req: IncomingMessage) => boolean, options: { hold?: boolean } = {}) {
  let echoed = 0;
  let held = 0;
  const waiting = new Set<ServerResponse>();
  const answer = { status: 500 };
  const server: Server = createServer((req, res) => {
    if (!echoes(req)) return forward(req, res);
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || String(req.headers['x-api-key'] ?? '');
    if (token !== '') echoed++;
    if (options.hold) {
      held++;
      waiting.add(res);
      return;
    }
    const forms = `${token} ${encodeURIComponent(token)} ${Buffer.from(token).toString('base64')}`;
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-echo': encodeURIComponent(token) });
    res.end(
      JSON.stringify({
        error: { message: `bad token ${forms}`, code: forms },
        detail: forms,
        message: forms,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set status(value: number) {
      answer.status = value;
    },
    echoed: () => echoed,
    held: () => held,
    close: async () => {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Passes a request to the reference server as it is. */
function forward(req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(req.url ?? '/', remoteUrl);
  const upstream = request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}
