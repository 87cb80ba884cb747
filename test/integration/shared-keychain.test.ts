import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppView } from '../../shared/bridge/contract.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { CLI } from '../support/cli-process.js';
import { runInSecretService, throwawayUserEnv, type SessionRun } from '../support/secret-service-session.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer, TEST_USERS, type TestServer } from '../support/test-server.js';

// The README's promise: the app and the hoist command share the keychain. The app side is the app
// core the desktop app runs (startAppCore over the real keychain, driven through its bridge with the
// window's own requests); the CLI side is the built `hoist`. Each run is its own D-Bus session with
// GNOME Keyring over one keyring file in a throwaway HOME, as separate logins would be. Both sides
// share the data root, so `hoist sync` also finds the pair the app opened.

const DIST = fileURLToPath(new URL('../../dist/electron/host/', import.meta.url));
const TOKEN = TEST_USERS.alice.token;
/** The providers' real default remotes: never contacted from a test (the app script's lookups fail). */
const DEFAULT_HOSTS = ['production.runalloy.com', 'backend.composio.dev'];

let server: TestServer;
let home: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  home = await makeTempDir('hoist-shared-keychain-');
});
afterEach(async () => {
  await home.remove();
});

interface AppRun {
  /** Each step's answer: `ok` and, when refused, the error. */
  answers: Array<{ ok: boolean; error?: { code: string; message: string } }>;
  view: AppView;
}

/**
 * Runs the app core with the keychain in a Secret Service session: started with `pair` (a stored or
 * command-line pair, as at launch), then `steps` sent through the bridge as the window sends them.
 */
async function app(
  steps: Array<{ command: string; payload: unknown }>,
  pair?: { folder: string; provider: ProviderKind; remoteUrl?: string },
): Promise<AppRun> {
  const script = join(home.path, 'app-core.mjs');
  const from = (file: string): string => JSON.stringify(pathToFileURL(join(DIST, file)).href);
  await writeFile(
    script,
    `import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
const blocked = new Set(${JSON.stringify(DEFAULT_HOSTS)});
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (!blocked.has(host)) return lookup.apply(this, arguments);
  const error = Object.assign(new Error('not contacted from tests'), { code: 'ENOTFOUND' });
  process.nextTick(typeof options === 'function' ? options : callback, error);
};
syncBuiltinESMExports();
const { startAppCore } = await import(${from('app-core.js')});
const { openKeychain } = await import(${from('credentials/open-keychain.js')});
const input = JSON.parse(process.env.HOIST_TEST_APP);
const core = await startAppCore({
  dataRoot: process.env.HOIST_HOME,
  credentials: await openKeychain(),
  log: (line) => console.error(line),
  ...(input.pair ? { pair: input.pair } : {}),
});
const waiting = new Map();
const connection = core.bridge.connect((message) => {
  if (message.type === 'response') waiting.get(message.id)?.(message);
});
let next = 1;
const call = (command, payload) =>
  new Promise((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    connection.receive(JSON.stringify({ type: 'request', id, command, payload }));
  });
const answers = [];
for (const step of input.steps) {
  const answer = await call(step.command, step.payload);
  answers.push(answer.ok ? { ok: true } : { ok: false, error: answer.error });
}
const view = (await call('app.get', {})).result;
connection.close();
await core.close();
console.log(JSON.stringify({ answers, view }));
// Closed; a pair closed while its first start was still under way can leave a handle behind, which
// keeps Node running (the desktop app's core process exits at quit the same way).
process.exit(0);
`,
  );
  const env = { ...(await throwawayUserEnv(home.path)), HOIST_TEST_APP: JSON.stringify({ steps, pair }) };
  const run = await runInSecretService(`exec timeout 60 node ${script}`, env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as AppRun;
}

async function hoist(args: string, stdin = ''): Promise<SessionRun> {
  return runInSecretService(`exec timeout 60 node ${CLI} ${args}`, await throwawayUserEnv(home.path), stdin);
}

async function folderWith(name: string, file: string): Promise<string> {
  const folder = join(home.path, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, file), `${name}\n`);
  return folder;
}

/** The test server's URL spelled the way people type it: upper case, trailing slashes, spaces. */
function oddly(spelling: 'upper' | 'slashes' | 'spaces'): string {
  const port = new URL(server.url).port;
  if (spelling === 'upper') return `HTTP://127.0.0.1:${port}/`;
  if (spelling === 'slashes') return `http://127.0.0.1:${port}//`;
  return `  http://127.0.0.1:${port}/ `;
}

describe('a token saved in the app is the one the hoist command finds', () => {
  it('for each provider and an odd spelling of its URL: hoist sync uses it', async () => {
    const cases: Array<{ provider: ProviderKind; url: string }> = [
      { provider: 'alloy', url: oddly('upper') },
      { provider: 'openwebui', url: oddly('slashes') },
      { provider: 'composio', url: oddly('spaces') },
      { provider: 'local', url: oddly('upper') },
    ];
    const folders: string[] = [];
    for (const { provider } of cases) folders.push(await folderWith(`${provider}-folder`, `${provider}.txt`));
    // The window's Settings: choose the folder and the remote, type the token, Save.
    const saved = await app(
      cases.map(({ provider, url }, index) => ({
        command: 'folders.add',
        payload: { folder: folders[index], provider, remoteUrl: url, token: TOKEN },
      })),
    );
    expect(saved.answers).toEqual(cases.map(() => ({ ok: true })));
    expect(saved.view.folders.map(({ provider, tokenSet }) => ({ provider, tokenSet }))).toEqual(
      cases.map(({ provider }) => ({ provider, tokenSet: true })),
    );

    for (const [index, { provider }] of cases.entries()) {
      await writeFile(join(folders[index] as string, 'after.txt'), 'written after the app closed\n');
      const sync = await hoist(`sync --once --provider ${provider} --remote ${server.url} ${folders[index]}`);
      expect(sync.code, `${provider}: ${sync.stderr}`).toBe(0);
      expect(sync.stdout + sync.stderr).not.toContain('No API token');
    }
  }, 180_000);

  it('for a default URL left empty and a spelled-out default port: hoist logout finds the same entry', async () => {
    // Three folders: the same folder twice is refused, whatever its remote.
    const [first, second, third] = [
      await folderWith('notes', 'a.txt'),
      await folderWith('letters', 'b.txt'),
      await folderWith('drafts', 'c.txt'),
    ];
    const saved = await app([
      { command: 'folders.add', payload: { folder: first, provider: 'alloy', token: 'alloy-default-token' } },
      {
        command: 'folders.add',
        payload: { folder: second, provider: 'composio', remoteUrl: '', token: 'composio-token' },
      },
      {
        command: 'folders.add',
        payload: {
          folder: third,
          provider: 'alloy',
          remoteUrl: 'HTTP://127.0.0.1:80/',
          token: 'port-80-token',
        },
      },
    ]);
    expect(saved.answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);

    const alloy = await hoist('logout --provider alloy');
    expect(alloy.stdout, alloy.stderr).toBe(
      'Removed the saved token for alloy https://production.runalloy.com.\n',
    );
    const composio = await hoist('logout --provider composio --remote HTTPS://Backend.Composio.dev:443/');
    expect(composio.stdout, composio.stderr).toBe(
      'Removed the saved token for composio https://backend.composio.dev.\n',
    );
    const port = await hoist('logout --provider alloy --remote http://127.0.0.1');
    expect(port.stdout, port.stderr).toBe('Removed the saved token for alloy http://127.0.0.1.\n');
  }, 180_000);
});

describe('a token saved by hoist login is the one the app finds', () => {
  it('for an odd spelling in Settings: the app opens the pair with it and syncs', async () => {
    const login = await hoist(`login --provider openwebui --remote ${server.url}`, `${TOKEN}\n`);
    expect(login.code, login.stderr).toBe(0);
    const folder = await folderWith('owui', 'from-the-app.txt');
    const opened = await app([], { folder, provider: 'openwebui', remoteUrl: oddly('upper') });
    expect(opened.view.folders).toHaveLength(1);
    expect(opened.view.folders[0]).toMatchObject({ provider: 'openwebui', tokenSet: true, openError: null });
    // The app's pair is the CLI's: hoist sync finds its state (and the token) under the same id.
    const sync = await hoist(`sync --once --provider openwebui --remote ${server.url} ${folder}`);
    expect(sync.code, sync.stderr).toBe(0);
  }, 180_000);

  it('for default URLs, left empty in Settings, whatever spelling hoist login was given', async () => {
    const folder = await folderWith('contracts', 'a.txt');
    expect(
      (await hoist('login --provider alloy --remote https://PRODUCTION.runalloy.com:443/', 'a\n')).code,
    ).toBe(0);
    expect((await hoist('login --provider composio', 'c\n')).code).toBe(0);
    // The app remembers each folder (app.json): one folder per remote, as the same folder twice is refused.
    const byProvider = (view: AppView, provider: ProviderKind, name: string) =>
      view.folders.find((entry) => entry.provider === provider && entry.name === name);
    const alloy = await app([], { folder, provider: 'alloy' });
    expect(byProvider(alloy.view, 'alloy', 'contracts')).toMatchObject({ provider: 'alloy', tokenSet: true });
    const composio = await app([], {
      folder: await folderWith('invoices', 'b.txt'),
      provider: 'composio',
      remoteUrl: '  ',
    });
    expect(byProvider(composio.view, 'composio', 'invoices')).toMatchObject({
      provider: 'composio',
      tokenSet: true,
    });
    // And nothing for a remote whose token nobody saved.
    const other = await app([], {
      folder: await folderWith('elsewhere', 'c.txt'),
      provider: 'alloy',
      remoteUrl: 'https://other.example.com',
    });
    expect(byProvider(other.view, 'alloy', 'elsewhere')).toMatchObject({ tokenSet: false });
  }, 180_000);
});
