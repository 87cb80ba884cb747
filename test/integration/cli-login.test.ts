import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli-process.js';
import {
  runInSecretService,
  runWithoutSession,
  throwawayUserEnv,
  type SessionRun,
} from '../support/secret-service-session.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestServer, TEST_USERS, type TestServer } from '../support/test-server.js';

// `hoist login` / `logout` end to end: the built CLI in a private D-Bus session with GNOME Keyring
// (a throwaway HOME; each step its own session over the same keyring file, as separate logins would
// be), against a real reference server speaking Alloy.

let server: TestServer;
let home: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  home = await makeTempDir('hoist-login-');
});

afterEach(async () => {
  await home.remove();
});

const remoteArgs = (): string => `--provider alloy --remote ${server.url}`;

async function hoist(
  args: string,
  options: { stdin?: string; env?: Record<string, string>; keychain?: boolean | 'locked' } = {},
): Promise<SessionRun> {
  const env = { ...(await throwawayUserEnv(home.path)), ...options.env };
  const command = `exec node ${CLI} ${args}`;
  return options.keychain === false
    ? runWithoutSession(command, env, options.stdin)
    : runInSecretService(command, env, options.stdin, options.keychain === 'locked' ? 'locked' : 'unlocked');
}

describe('hoist login and logout with a keychain', () => {
  it('saves the token from stdin, the client commands use it, HOIST_TOKEN wins, logout removes it', async () => {
    const token = TEST_USERS.alice.token;
    const login = await hoist(`login ${remoteArgs()}`, { stdin: `${token}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe(`Saved the token for alloy ${server.url} in the keychain.\n`);

    const ls = await hoist(`ls --json ${remoteArgs()}`);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([]);

    const overridden = await hoist(`ls --json ${remoteArgs()}`, { env: { HOIST_TOKEN: 'not-alices-token' } });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/rejected the API token \(401\)/);

    const logout = await hoist(`logout ${remoteArgs()}`);
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stdout).toBe(`Removed the saved token for alloy ${server.url}.\n`);
    const again = await hoist(`logout ${remoteArgs()}`);
    expect(again.stdout).toBe(`No token was saved for alloy ${server.url}.\n`);

    const after = await hoist(`ls --json ${remoteArgs()}`);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain(
      'Set the API token in the HOIST_TOKEN environment variable or save it with hoist login',
    );
    for (const run of [login, ls, overridden, logout, again, after]) {
      expect(run.stdout + run.stderr).not.toContain(token);
    }
  });

  it('keeps one entry per remote: logging in to a second remote leaves the first', async () => {
    expect((await hoist(`login ${remoteArgs()}`, { stdin: TEST_USERS.alice.token })).code).toBe(0);
    const other = await hoist('login --provider openwebui --remote https://chat.example.com/', {
      stdin: 'owui-token',
    });
    expect(other.stdout).toBe('Saved the token for openwebui https://chat.example.com in the keychain.\n');
    const ls = await hoist(`ls --json ${remoteArgs()}`);
    expect(ls.code, ls.stderr).toBe(0);
  });

  it('refuses a token given as an argument, an empty token and the embedded remote', async () => {
    const asArgument = await hoist(`login ${remoteArgs()} secret-token-value`);
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain('takes no arguments');
    const empty = await hoist(`login ${remoteArgs()}`, { stdin: '\n' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('No token given; nothing was saved.');
    const embedded = await hoist('login');
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toContain('the embedded remote needs no token');
  });
});

describe('hoist login without a keychain', () => {
  it('says so plainly, points at HOIST_TOKEN and exits 1; the client commands say why too', async () => {
    const login = await hoist(`login ${remoteArgs()}`, { stdin: 'a-token', keychain: false });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(
      /^No keychain is available on this computer, so Hoist cannot save the token \(.*D-Bus.*\)\. Put the token in the HOIST_TOKEN environment variable instead\.\n$/,
    );
    const ls = await hoist(`ls --json ${remoteArgs()}`, { keychain: false });
    expect(ls.code).toBe(2);
    expect(ls.stderr).toMatch(/save it with hoist login \(no keychain: .*D-Bus.*\)/);
    const withEnv = await hoist(`ls --json ${remoteArgs()}`, {
      keychain: false,
      env: { HOIST_TOKEN: TEST_USERS.alice.token },
    });
    expect(withEnv.code, withEnv.stderr).toBe(0);
  });
});

describe('hoist login with a keyring that stays locked', () => {
  it('says the keychain cannot be used and why, and exits 1', async () => {
    // The first session creates the login keyring (with a password); the second never unlocks it.
    expect((await hoist(`login ${remoteArgs()}`, { stdin: TEST_USERS.alice.token })).code).toBe(0);
    const locked = await hoist(`login ${remoteArgs()}`, { stdin: 'another-token', keychain: 'locked' });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(
      'No keychain is available on this computer, so Hoist cannot save the token (Cannot create an item in a locked collection). Put the token in the HOIST_TOKEN environment variable instead.',
    );
  });
});
