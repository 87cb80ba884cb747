import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  runInSecretService,
  runWithoutSession,
  throwawayUserEnv,
} from '../support/secret-service-session.js';
import { makeTempDir } from '../support/temp-dir.js';

// The keytar store against a real Secret Service (GNOME Keyring in a private D-Bus session, a
// throwaway HOME), and the same code on a machine with no D-Bus session at all. The child runs the
// built store (dist/, compiled by the global setup) because the session must own the process.

const CREDENTIALS = fileURLToPath(new URL('../../dist/electron/host/credentials/', import.meta.url));

let home: { path: string; remove: () => Promise<void> };

beforeEach(async () => {
  home = await makeTempDir('hoist-keychain-');
});

afterEach(async () => {
  await home.remove();
});

/** Writes a module that runs `body` with the keychain opened, and prints what it returns as JSON. */
async function script(body: string, name = 'keychain-script.mjs'): Promise<string> {
  const file = join(home.path, name);
  const from = (name: string): string => JSON.stringify(join(CREDENTIALS, name));
  await writeFile(
    file,
    `import { openKeychain, keychainProblem } from ${from('open-keychain.js')};
import { credentialAccount, KeychainUnavailableError } from ${from('credential-store.js')};
try {
  const store = await openKeychain();
  const result = await (async () => { ${body} })();
  console.log(JSON.stringify({ kind: store.kind, result }));
} catch (error) {
  if (!(error instanceof KeychainUnavailableError)) throw error;
  console.log(JSON.stringify({ unavailable: error.message, cli: keychainProblem(error, 'cli'), desktop: keychainProblem(error, 'desktop') }));
}
`,
  );
  return file;
}

describe('the keytar credential store on a real Secret Service', () => {
  it('sets, gets, replaces and deletes, with two remotes side by side', async () => {
    const file = await script(`
      const alloy = credentialAccount('alloy', 'https://production.runalloy.com');
      const owui = credentialAccount('openwebui', 'https://chat.example.com');
      const steps = {};
      steps.missing = await store.get(alloy);
      await store.set(alloy, 'alloy-token-1');
      await store.set(owui, 'owui-token-1');
      steps.first = [await store.get(alloy), await store.get(owui)];
      await store.set(alloy, 'alloy-token-2');
      steps.replaced = [await store.get(alloy), await store.get(owui)];
      steps.deleted = await store.delete(alloy);
      steps.deletedAgain = await store.delete(alloy);
      steps.afterDelete = [await store.get(alloy), await store.get(owui)];
      return steps;`);
    const run = await runInSecretService(`exec node ${file}`, await throwawayUserEnv(home.path));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      kind: 'keychain',
      result: {
        missing: null,
        first: ['alloy-token-1', 'owui-token-1'],
        replaced: ['alloy-token-2', 'owui-token-1'],
        deleted: true,
        deletedAgain: false,
        afterDelete: [null, 'owui-token-1'],
      },
    });
  });

  it('keeps entries across processes in the same session (what CLI and desktop app share)', async () => {
    const account = `credentialAccount('composio', 'https://backend.composio.dev')`;
    const writer = await script(`await store.set(${account}, 'shared-token'); return 'saved';`, 'writer.mjs');
    const read = await script(`return store.get(${account});`, 'reader.mjs');
    const run = await runInSecretService(
      `node ${writer} && exec node ${read}`,
      await throwawayUserEnv(home.path),
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { kind: 'keychain', result: 'saved' },
      { kind: 'keychain', result: 'shared-token' },
    ]);
  });
});

describe('no keychain', () => {
  it('says plainly that there is none, and what each host offers instead', async () => {
    const file = await script(`return 'opened';`);
    const run = await runWithoutSession(`exec node ${file}`, await throwawayUserEnv(home.path));
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { unavailable: string; cli: string; desktop: string };
    expect(result.unavailable).toMatch(/^no keychain available: .*D-Bus/);
    expect(result.cli).toMatch(
      /^No keychain is available on this computer, so Hoist cannot save the token \(.*\)\./,
    );
    expect(result.cli).toContain('HOIST_TOKEN');
    expect(result.desktop).toContain('for this session only');
  });
});
