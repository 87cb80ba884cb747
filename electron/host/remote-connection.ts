import { randomBytes } from 'node:crypto';
import type { ProviderKind } from '../../shared/sync-types.js';
import { createProvider } from '../engine/remote/create-provider.js';
import type { RemoteProvider } from '../engine/remote/remote-provider.js';
import { checkHttpUrl } from '../base/http-url.js';
import { SyncError } from '../engine/sync-error.js';
import { credentialAccount, type CredentialStore } from './credentials/credential-store.js';
import { lookUpToken } from './credentials/token-lookup.js';
import { startEmbeddedRemote } from './embedded-remote.js';
import { embeddedRemoteDir } from './pair-location.js';

export interface RemoteChoice {
  provider: ProviderKind;
  /** Base URL; for `local` without it, the embedded remote runs in this process. */
  remote: string | undefined;
  stateRoot: string;
  token: string | undefined;
  /** See ProviderConfig.stallTimeoutMs (`--stall-timeout`). */
  stallTimeoutMs?: number | undefined;
  /**
   * The embedded remote shared by every folder of an app (host/machine-resources.ts); without it,
   * `local` with no URL starts its own for this connection.
   */
  embedded?: (() => Promise<{ url: string; token: string; release(): Promise<void> }>) | undefined;
}

export interface RemoteConnection {
  provider: RemoteProvider;
  /** The remote's identity in pair ids and as shown to people: its normalized URL, or `embedded`. */
  remoteUrl: string;
  close(): Promise<void>;
}

const DEFAULT_URLS: Partial<Record<ProviderKind, string>> = {
  alloy: 'https://production.runalloy.com',
  composio: 'https://backend.composio.dev',
};

/** A stable stand-in for the embedded remote in pair ids: its port changes every run. */
export const EMBEDDED_REMOTE_ID = 'embedded';

/**
 * The remote's identity for a choice, without connecting: `embedded` for the embedded remote, else
 * the URL normalized by WHATWG URL parsing (scheme and host lower-cased, default port dropped, no
 * trailing slash), so `HTTP://Host:80/` and `http://host` name one pair. Throws SyncError('config')
 * for an address that is not a plain http(s) URL.
 */
export function remoteIdentity(choice: Pick<RemoteChoice, 'provider' | 'remote'>): string {
  if (choice.provider === 'local' && choice.remote === undefined) return EMBEDDED_REMOTE_ID;
  const baseUrl = choice.remote ?? DEFAULT_URLS[choice.provider];
  if (baseUrl === undefined) {
    throw new SyncError('config', `The ${choice.provider} remote needs its server's URL`, {
      reason: 'missing-url',
    });
  }
  // The one http(s) rule (base/http-url.ts), worded here for people choosing a remote.
  const checked = checkHttpUrl(baseUrl, { base: true });
  if (checked.problem !== undefined) {
    const words: Record<typeof checked.problem, string> = {
      'not-a-url': `The remote must be a URL like https://example.com, not "${baseUrl}"`,
      'not-http': 'The remote must be an http:// or https:// URL',
      'has-credentials': 'The remote URL must not contain credentials; the token goes elsewhere',
      'has-query': 'The remote URL must not have a query or a fragment',
    };
    throw new SyncError('config', words[checked.problem], { reason: 'bad-url' });
  }
  const parsed = checked.url;
  return parsed.toString().replace(/\/+$/, '');
}

/**
 * The keychain account a remote's token is filed and found under: its provider and identity. The one
 * key for tokens, so a token given for one remote is never looked up for another (`HTTP://Host/` and
 * `http://host` are one account, `http://host:81` another). Throws like remoteIdentity for a bad URL.
 */
export function tokenAccount(provider: ProviderKind, remote: string | undefined): string {
  return credentialAccount(provider, remoteIdentity({ provider, remote }));
}

/**
 * The token kept for exactly this remote (provider and identity, see tokenAccount), or null: also for
 * a URL that names no remote, which then gets the URL's own message from testConnection.
 */
export async function storedTokenFor(
  provider: ProviderKind,
  remoteUrl: string | undefined,
  credentials: Pick<CredentialStore, 'get'>,
): Promise<string | null> {
  let account: string;
  try {
    account = tokenAccount(provider, remoteUrl?.trim() || undefined);
  } catch {
    return null;
  }
  return credentials.get(account);
}

/**
 * Connects to the chosen remote. `local` with no URL starts the reference server on a thread of this
 * process, on 127.0.0.1 with its data under the state root, and a token that exists only in memory
 * for this run. Throws SyncError('config') for a bad URL or a missing token.
 */
export async function connectRemote(choice: RemoteChoice): Promise<RemoteConnection> {
  const remoteUrl = remoteIdentity(choice);
  if (remoteUrl === EMBEDDED_REMOTE_ID && choice.embedded) {
    const lease = await choice.embedded();
    const provider = createProvider({
      kind: 'local',
      baseUrl: lease.url,
      token: lease.token,
      ...stallOption(choice),
    });
    return {
      provider,
      remoteUrl,
      close: async () => {
        await provider.close();
        await lease.release();
      },
    };
  }
  if (remoteUrl === EMBEDDED_REMOTE_ID) {
    const token = randomBytes(24).toString('base64url');
    const server = await startEmbeddedRemote({ dataDir: embeddedRemoteDir(choice.stateRoot), token });
    const provider = createProvider({ kind: 'local', baseUrl: server.url, token, ...stallOption(choice) });
    return {
      provider,
      remoteUrl,
      close: async () => {
        await provider.close();
        await server.close();
      },
    };
  }
  // HOIST_TOKEN wins; without it, the token `hoist login` (or the desktop app) saved in the keychain.
  const found = await lookUpToken(choice.token, credentialAccount(choice.provider, remoteUrl));
  if (found.token === null) {
    // Why the keychain could not even be asked goes in the detail: each host words the advice.
    throw new SyncError('config', `No API token for ${choice.provider} at ${remoteUrl}`, {
      reason: 'missing-token',
      ...(found.keychainProblem === null ? {} : { detail: `no keychain: ${found.keychainProblem}` }),
    });
  }
  const provider = createProvider({
    kind: choice.provider,
    baseUrl: remoteUrl,
    token: found.token,
    ...stallOption(choice),
  });
  return { provider, remoteUrl, close: () => provider.close() };
}

function stallOption(choice: RemoteChoice): { stallTimeoutMs?: number } {
  return choice.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: choice.stallTimeoutMs };
}
