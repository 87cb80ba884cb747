import { randomBytes } from 'node:crypto';
import type { ProviderKind } from '../../shared/sync-types.js';
import { createProvider } from '../engine/remote/create-provider.js';
import type { RemoteProvider } from '../engine/remote/remote-provider.js';
import { SyncError } from '../engine/sync-error.js';
import { credentialAccount, type CredentialStore } from './credentials/credential-store.js';
import { lookUpToken } from './credentials/token-lookup.js';
import { startEmbeddedRemote, type EmbeddedRemoteThread } from './embedded-remote.js';
import { embeddedRemoteDir } from './pair-location.js';
import { isEmbedded, remoteIdentityOf, type RemoteIdentity } from './remote-identity.js';

export interface RemoteChoice {
  provider: ProviderKind;
  /** Base URL as given (remote-identity.ts normalizes it); for `local` without it, the embedded remote. */
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
  /** Where `local` with no URL and no `embedded` runs its server (embedded-remote.ts). Default its own thread. */
  embeddedThread?: EmbeddedRemoteThread | undefined;
}

export interface RemoteConnection {
  provider: RemoteProvider;
  /** The remote's identity in pair ids and as shown to people: its normalized URL, or `embedded`. */
  remoteUrl: RemoteIdentity;
  close(): Promise<void>;
}

/**
 * The token kept for exactly this remote (provider and identity), or null: also for an address that
 * names no remote (null), which then gets the address's own message from testConnection.
 */
export async function storedTokenFor(
  provider: ProviderKind,
  identity: RemoteIdentity | null,
  credentials: Pick<CredentialStore, 'get'>,
): Promise<string | null> {
  return identity === null ? null : credentials.get(credentialAccount(provider, identity));
}

/**
 * Connects to the chosen remote. `local` with no URL starts the reference server on a thread of this
 * process, on 127.0.0.1 with its data under the state root, and a token that exists only in memory
 * for this run. Throws SyncError('config') for a bad URL or a missing token.
 */
export async function connectRemote(choice: RemoteChoice): Promise<RemoteConnection> {
  const remoteUrl = remoteIdentityOf(choice.provider, choice.remote);
  if (isEmbedded(remoteUrl) && choice.embedded) {
    const lease = await choice.embedded();
    const provider = await createProvider({
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
  if (isEmbedded(remoteUrl)) {
    const token = randomBytes(24).toString('base64url');
    const server = await startEmbeddedRemote(
      { dataDir: embeddedRemoteDir(choice.stateRoot), token },
      choice.embeddedThread,
    );
    const provider = await createProvider({
      kind: 'local',
      baseUrl: server.url,
      token,
      ...stallOption(choice),
    });
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
  const provider = await createProvider({
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
