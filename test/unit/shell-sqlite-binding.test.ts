import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as CredentialStoreModuleNs from '../../electron/host/credentials/credential-store.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import { findElectronSqliteBinding } from '../../electron/main/core-process/sqlite-binding.js';
import { makeTempDir } from '../support/temp-dir.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await makeTempDir('hoist-sqlite-binding-');
});
afterEach(async () => {
  await dir.remove();
});

const where = (resourcesPath?: string) => ({
  appRoot: join(dir.path, 'app'),
  resourcesPath,
  electronVersion: '45.4.1',
  platform: 'linux' as const,
  arch: 'x64',
});

describe('the Electron build of better-sqlite3', () => {
  it('is found in the source tree only when built for this Electron', async () => {
    expect(findElectronSqliteBinding(where())).toBeNull();
    const built = join(dir.path, 'app', 'build', 'native', 'electron', 'linux-x64');
    await mkdir(built, { recursive: true });
    await writeFile(join(built, 'better_sqlite3.node'), '');
    expect(findElectronSqliteBinding(where())).toBeNull();
    await writeFile(join(built, 'electron-version.txt'), '44.0.0\n');
    expect(findElectronSqliteBinding(where())).toBeNull();
    await writeFile(join(built, 'electron-version.txt'), '45.4.1\n');
    expect(findElectronSqliteBinding(where())).toBe(join(built, 'better_sqlite3.node'));
  });

  it('prefers the copy packaged in the app’s resources', async () => {
    const resources = join(dir.path, 'resources');
    await mkdir(join(resources, 'native'), { recursive: true });
    await writeFile(join(resources, 'native', 'better_sqlite3.node'), '');
    expect(findElectronSqliteBinding(where(resources))).toBe(
      join(resources, 'native', 'better_sqlite3.node'),
    );
  });
});

type CredentialStoreModule = typeof CredentialStoreModuleNs;

describe('app core modules from dist/', () => {
  it('maps a source path to its compiled file and loads it', async () => {
    const { distModuleUrl, importFromDist } = await import('../../electron/main/core-process/dist-module.js');
    expect(distModuleUrl('/opt/Hoist/resources/app.asar', 'electron/host/app-core.ts')).toBe(
      'file:///opt/Hoist/resources/app.asar/dist/electron/host/app-core.js',
    );
    // The global setup compiled dist/ from these sources: load a real module from it.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const store = await importFromDist<CredentialStoreModule>(
      root,
      'electron/host/credentials/credential-store.ts',
    );
    expect(store.credentialAccount('alloy', remoteIdentityOf('alloy', 'https://a'))).toBe('alloy https://a');
  });
});
