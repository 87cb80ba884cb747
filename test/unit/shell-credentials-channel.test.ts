import { describe, expect, it } from 'vitest';
import { ChannelCredentialStore } from '../../electron/main/core-process/channel-credential-store.js';
import { parseCoreToMain, parseMainToCore } from '../../electron/main/core-process/core-protocol.js';
import { DesktopCredentials } from '../../electron/main/core-process/desktop-credentials.js';
import {
  KeychainUnavailableError,
  type CredentialStore,
} from '../../electron/host/credentials/credential-store.js';
import { MemoryCredentialStore } from '../../electron/host/credentials/memory-credential-store.js';

/** The core's store wired to main's service the way the processes are: messages parsed on each side. */
function connect(open: () => Promise<CredentialStore>): { store: ChannelCredentialStore; sent: string[] } {
  const service = new DesktopCredentials(open);
  const sent: string[] = [];
  const store: ChannelCredentialStore = new ChannelCredentialStore((request) => {
    const text = JSON.stringify(request);
    sent.push(text);
    const parsed = parseCoreToMain(JSON.parse(text));
    if (parsed?.type !== 'credential-request') throw new Error('malformed request');
    void service.answer(parsed).then((reply) => {
      const back = parseMainToCore(JSON.parse(JSON.stringify(reply)));
      if (back?.type !== 'credential-reply') throw new Error('malformed reply');
      store.deliver(back);
    });
  });
  return { store, sent };
}

/** A keychain stand-in: a memory store that says it is the keychain. */
function fakeKeychain(): CredentialStore {
  const memory = new MemoryCredentialStore();
  return {
    kind: 'keychain',
    get: (account) => memory.get(account),
    set: (account, token) => memory.set(account, token),
    delete: (account) => memory.delete(account),
  };
}

describe('credentials between the app core and main', () => {
  it('reads, writes and deletes through main’s keychain, which is opened once', async () => {
    let opened = 0;
    const keychain = fakeKeychain();
    const { store } = connect(async () => {
      opened++;
      return keychain;
    });
    expect(await store.get('alloy https://a')).toBeNull();
    await store.set('alloy https://a', 'token-a');
    expect(await store.get('alloy https://a')).toBe('token-a');
    expect(await keychain.get('alloy https://a')).toBe('token-a');
    expect(await store.delete('alloy https://a')).toBe(true);
    expect(await store.delete('alloy https://a')).toBe(false);
    expect(store.kind).toBe('keychain');
    expect(store.storage).toBe('keychain');
    expect(opened).toBe(1);
  });

  it('with no keychain: reads find nothing, a save says why, and session-only keeps tokens in memory', async () => {
    const { store } = connect(async () => {
      throw new KeychainUnavailableError('Cannot autolaunch D-Bus without X11 $DISPLAY');
    });
    expect(await store.get('alloy https://a')).toBeNull();
    expect(store.storage).toBe('none');
    const failure = await store.set('alloy https://a', 'token-a').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect((failure as KeychainUnavailableError).reason).toBe('Cannot autolaunch D-Bus without X11 $DISPLAY');
    await store.useSessionOnly();
    expect(store.kind).toBe('memory');
    await store.set('alloy https://a', 'token-a');
    expect(await store.get('alloy https://a')).toBe('token-a');
  });

  it('a keychain that stops working later is reported the same way', async () => {
    const broken: CredentialStore = {
      kind: 'keychain',
      get: async () => null,
      set: async () => {
        throw new KeychainUnavailableError('the keyring is locked');
      },
      delete: async () => false,
    };
    const { store } = connect(async () => broken);
    const failure = await store.set('a', 'b').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect(store.storage).toBe('none');
  });

  it('pending questions end when the core stops', async () => {
    const store = new ChannelCredentialStore(() => undefined);
    const pending = store.get('x').catch((error: unknown) => error);
    store.abandon();
    expect(await pending).toEqual(new Error('Hoist is shutting down'));
  });
});
