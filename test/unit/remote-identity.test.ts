import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS, PROVIDERS } from '../../shared/providers.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { credentialAccount } from '../../electron/host/credentials/credential-store.js';
import { pairId } from '../../electron/host/pair-location.js';
import {
  remoteIdentityOf,
  remoteIdentityOrNull,
  type RemoteIdentity,
} from '../../electron/host/remote-identity.js';

// One maker of a remote's identity: every spelling of one remote is one identity, so one keychain
// account and one pair id, and what existing users already have keeps its name.

const SERVER: Record<ProviderKind, string> = {
  local: 'http://127.0.0.1:8765',
  alloy: 'https://files.example.com',
  composio: 'https://backend.example.com',
  openwebui: 'https://chat.example.com',
};

/** Ways people type the same address: case, a trailing slash, the default port, spaces around it. */
function spellingsOf(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : '80';
  const host = parsed.host;
  return [
    url,
    `${parsed.protocol.toUpperCase()}//${host.toUpperCase()}/`,
    `${url}//`,
    `  ${url}/ `,
    parsed.port === '' ? `${parsed.protocol}//${host}:${defaultPort}` : `${url}/`,
  ];
}

describe('remoteIdentityOf', () => {
  it('gives every spelling of a remote one identity, so one keychain account and one pair id, for each provider', () => {
    for (const provider of PROVIDER_KINDS) {
      const plain = remoteIdentityOf(provider, SERVER[provider]);
      expect(plain).toBe(SERVER[provider]);
      for (const spelling of spellingsOf(SERVER[provider])) {
        const identity = remoteIdentityOf(provider, spelling);
        expect(identity, `${provider} ${spelling}`).toBe(plain);
        expect(credentialAccount(provider, identity)).toBe(`${provider} ${SERVER[provider]}`);
        expect(pairId('/home/ann/Notes', provider, identity)).toBe(
          pairId('/home/ann/Notes', provider, plain),
        );
      }
    }
  });

  it('takes an empty address (left empty in Settings, no --remote) as the provider’s default', () => {
    for (const empty of [undefined, null, '', '   ']) {
      expect(remoteIdentityOf('alloy', empty)).toBe('https://production.runalloy.com');
      expect(remoteIdentityOf('composio', empty)).toBe('https://backend.composio.dev');
      expect(remoteIdentityOf('local', empty)).toBe('embedded');
      expect(() => remoteIdentityOf('openwebui', empty)).toThrow(/Open WebUI remote needs its server's URL/);
    }
    // The default's own odd spellings land on the same account as leaving it empty.
    expect(remoteIdentityOf('alloy', 'HTTPS://Production.RunAlloy.com:443/')).toBe(remoteIdentityOf('alloy'));
    for (const provider of PROVIDER_KINDS) {
      const fallback = PROVIDERS[provider].defaultUrl;
      if (fallback !== null) expect(remoteIdentityOf(provider, fallback)).toBe(remoteIdentityOf(provider));
    }
  });

  it('keeps a non-default port, a path and http apart: they are other remotes', () => {
    const plain = remoteIdentityOf('alloy', 'https://host');
    expect(remoteIdentityOf('alloy', 'https://host:8443')).not.toBe(plain);
    expect(remoteIdentityOf('alloy', 'http://host')).not.toBe(plain);
    expect(remoteIdentityOf('alloy', 'https://host/api/')).toBe('https://host/api');
  });

  it('returns an identity unchanged when given one back', () => {
    for (const provider of PROVIDER_KINDS) {
      for (const spelling of spellingsOf(SERVER[provider])) {
        const once = remoteIdentityOf(provider, spelling);
        expect(remoteIdentityOf(provider, once)).toBe(once);
      }
    }
  });

  it('refuses an address that names no remote, with the reason; remoteIdentityOrNull says null', () => {
    expect(() => remoteIdentityOf('alloy', 'ftp://host')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => remoteIdentityOf('alloy', 'https://user:pw@host')).toThrow(/credentials/);
    expect(() => remoteIdentityOf('alloy', 'https://host/?a=1')).toThrow(/query/);
    expect(() => remoteIdentityOf('alloy', 'not a url')).toThrow(/a URL like/);
    expect(remoteIdentityOrNull('alloy', 'ftp://host')).toBeNull();
    expect(remoteIdentityOrNull('openwebui', '')).toBeNull();
    expect(remoteIdentityOrNull('alloy', 'HTTPS://host/')).toBe('https://host');
  });
});

describe('what existing users have keeps its name', () => {
  // Pair ids and keychain accounts written before the one maker existed, for already-normal addresses:
  // the state folders and saved tokens of people upgrading must be found where they are.
  it('pair ids are the ones earlier versions computed', () => {
    const cases: Array<[string, ProviderKind, string | undefined, string]> = [
      ['/home/ann/Notes', 'alloy', 'https://production.runalloy.com', '6e9cf2868bbbc561'],
      ['/home/ann/Notes', 'alloy', undefined, '6e9cf2868bbbc561'],
      ['/home/ann/Notes', 'local', undefined, '5449c58e25d42722'],
      ['/home/ann/Contracts', 'openwebui', 'https://chat.example.com', '64a565770257e613'],
      ['/home/ann/Contracts', 'composio', undefined, '90ebbb94fc724fa3'],
      ['/srv/data', 'local', 'http://127.0.0.1:8765', 'b420f0c95fdb43ac'],
    ];
    for (const [folder, provider, url, id] of cases) {
      expect(pairId(folder, provider, remoteIdentityOf(provider, url))).toBe(id);
    }
  });

  it('keychain accounts are the ones hoist login and the app saved under', () => {
    expect(credentialAccount('alloy', remoteIdentityOf('alloy'))).toBe(
      'alloy https://production.runalloy.com',
    );
    expect(credentialAccount('composio', remoteIdentityOf('composio'))).toBe(
      'composio https://backend.composio.dev',
    );
    expect(credentialAccount('openwebui', remoteIdentityOf('openwebui', 'https://chat.example.com'))).toBe(
      'openwebui https://chat.example.com',
    );
    expect(credentialAccount('local', remoteIdentityOf('local', 'http://127.0.0.1:8765'))).toBe(
      'local http://127.0.0.1:8765',
    );
  });

  it('a raw string is not an identity (compile-time: only remoteIdentityOf makes one)', () => {
    const typed: string = 'https://host/';
    // @ts-expect-error a URL as typed must go through remoteIdentityOf first
    const id: RemoteIdentity = typed;
    // @ts-expect-error nor can a pair id or an account be made from one
    expect(pairId('/f', 'alloy', typed)).toHaveLength(16);
    // @ts-expect-error the keychain account needs an identity too
    expect(credentialAccount('alloy', typed)).toBe('alloy https://host/');
    expect(id).toBe(typed);
  });
});
