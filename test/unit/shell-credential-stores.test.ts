import { describe, expect, it } from 'vitest';
import {
  credentialAccount,
  KeychainUnavailableError,
  type CredentialStore,
} from '../../electron/host/credentials/credential-store.js';
import { EnvironmentCredentialStore } from '../../electron/host/credentials/environment-credential-store.js';
import { remoteIdentityOf } from '../../electron/host/remote-identity.js';
import {
  KeytarCredentialStore,
  type KeytarApi,
} from '../../electron/host/credentials/keytar-credential-store.js';
import { MemoryCredentialStore } from '../../electron/host/credentials/memory-credential-store.js';
import { keychainProblem, openKeychain } from '../../electron/host/credentials/open-keychain.js';
import { lookUpToken } from '../../electron/host/credentials/token-lookup.js';

describe('credential stores', () => {
  it('names one account per remote: provider and URL', () => {
    expect(credentialAccount('alloy', remoteIdentityOf('alloy', 'https://production.runalloy.com'))).toBe(
      'alloy https://production.runalloy.com',
    );
  });

  it('memory: set, get, replace, delete', async () => {
    const store = new MemoryCredentialStore();
    expect(store.kind).toBe('memory');
    expect(await store.get('a')).toBeNull();
    await store.set('a', 'one');
    await store.set('a', 'two');
    expect(await store.get('a')).toBe('two');
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
  });

  it('environment: the token for the account it was given for only, read-only', async () => {
    const store = new EnvironmentCredentialStore({ account: 'alloy https://a', token: 'env-token' });
    expect(store.kind).toBe('environment');
    expect(await store.get('alloy https://a')).toBe('env-token');
    expect(await store.get('alloy https://b')).toBeNull();
    expect(await store.get('openwebui https://a')).toBeNull();
    await expect(store.set('a', 'b')).rejects.toThrow(/HOIST_TOKEN is set/);
    await expect(store.delete('a')).rejects.toThrow(/HOIST_TOKEN is set/);
  });

  it('keytar: files entries under the service Hoist, and a keychain failure becomes "no keychain"', async () => {
    const calls: string[] = [];
    const keytar: KeytarApi = {
      getPassword: async (service, account) => {
        calls.push(`get ${service} ${account}`);
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
      },
      setPassword: async (service, account) => {
        calls.push(`set ${service} ${account}`);
      },
      deletePassword: async () => false,
    };
    const store = new KeytarCredentialStore(keytar);
    await store.set('alloy https://a', 'token');
    const failure = await store.get('alloy https://a').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect((failure as Error).message).toBe(
      'no keychain available: The name org.freedesktop.secrets was not provided by any .service files',
    );
    expect(calls).toEqual(['set Hoist alloy https://a', 'get Hoist alloy https://a']);
  });

  it('openKeychain: a keychain that never answers counts as unavailable (a locked keyring)', async () => {
    const silent: KeytarApi = {
      getPassword: () => new Promise<string | null>(() => undefined),
      setPassword: async () => undefined,
      deletePassword: async () => false,
    };
    const failure = await openKeychain({ load: async () => silent, probeTimeoutMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect(keychainProblem(failure as KeychainUnavailableError, 'desktop')).toBe(
      'No keychain is available on this computer, so Hoist cannot save the token (the keychain did not answer within 0.01 s (locked?)). Hoist can keep the token for this session only (you will be asked again after a restart).',
    );
  });
});

describe('token lookup for the client commands', () => {
  const keychain = (tokens: Record<string, string>): (() => Promise<CredentialStore>) => {
    const store = new MemoryCredentialStore();
    for (const [account, token] of Object.entries(tokens)) void store.set(account, token);
    return async () => store;
  };

  it('HOIST_TOKEN wins over the saved token', async () => {
    expect(await lookUpToken('env', 'alloy https://a', keychain({ 'alloy https://a': 'saved' }))).toEqual({
      token: 'env',
      source: 'environment',
    });
  });

  it('without HOIST_TOKEN: the saved token of that account, or nothing', async () => {
    const open = keychain({ 'alloy https://a': 'saved' });
    expect(await lookUpToken(undefined, 'alloy https://a', open)).toEqual({
      token: 'saved',
      source: 'keychain',
    });
    expect(await lookUpToken('', 'alloy https://a', open)).toEqual({ token: 'saved', source: 'keychain' });
    expect(await lookUpToken(undefined, 'alloy https://b', open)).toEqual({
      token: null,
      keychainProblem: null,
    });
  });

  it('says why when there is no keychain to ask', async () => {
    const none = async (): Promise<CredentialStore> => {
      throw new KeychainUnavailableError('Cannot autolaunch D-Bus without X11 $DISPLAY');
    };
    expect(await lookUpToken(undefined, 'alloy https://a', none)).toEqual({
      token: null,
      keychainProblem: 'Cannot autolaunch D-Bus without X11 $DISPLAY',
    });
  });
});
