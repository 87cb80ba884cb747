import { randomBytes } from 'node:crypto';
import type { ProviderKind } from '../../shared/sync-types.js';
import { credentialAccount } from '../host/credentials/credential-store.js';
import { lookUpToken } from '../host/credentials/token-lookup.js';
import { createProvider } from '../engine/remote/create-provider.js';
import type { RemoteProvider } from '../engine/remote/remote-provider.js';
import { startEmbeddedRemote } from './embedded-remote.js';
import { embeddedRemoteDir } from './pair-location.js';
import { UsageError } from './usage-error.js';

export interface RemoteChoice {
  provider: ProviderKind;
  /** Base URL; for `local` without it, the embedded remote runs in this process. */
  remote: string | undefined;
  stateRoot: string;
  token: string | undefined;
}

export interface RemoteConnection {
  provider: RemoteProvider;
  /** The remote's URL as shown to people and used in the pair id. */
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
 * Connects to the chosen remote. `local` with no URL starts the reference server on a thread of this
 * process, on 127.0.0.1 with its data under the state root, and a token that exists only in memory
 * for this run.
 */
export async function connectRemote(choice: RemoteChoice): Promise<RemoteConnection> {
  if (choice.provider === 'local' && choice.remote === undefined) {
    const token = randomBytes(24).toString('base64url');
    const server = await startEmbeddedRemote({ dataDir: embeddedRemoteDir(choice.stateRoot), token });
    const provider = createProvider({ kind: 'local', baseUrl: server.url, token });
    return {
      provider,
      remoteUrl: EMBEDDED_REMOTE_ID,
      close: async () => {
        await provider.close();
        await server.close();
      },
    };
  }
  const remoteUrl = remoteBaseUrl(choice);
  // HOIST_TOKEN wins; without it, the token `hoist login` (or the desktop app) saved in the keychain.
  const found = await lookUpToken(choice.token, credentialAccount(choice.provider, remoteUrl));
  if (found.token === null) {
    const why = found.keychainProblem === null ? '' : ` (no keychain: ${found.keychainProblem})`;
    throw new UsageError(
      `Set the API token in the HOIST_TOKEN environment variable or save it with hoist login${why}`,
    );
  }
  const provider = createProvider({ kind: choice.provider, baseUrl: remoteUrl, token: found.token });
  return { provider, remoteUrl, close: () => provider.close() };
}

/** The remote's base URL as used in pair ids and keychain accounts: checked, without a trailing slash. */
export function remoteBaseUrl(choice: Pick<RemoteChoice, 'provider' | 'remote'>): string {
  const baseUrl = choice.remote ?? DEFAULT_URLS[choice.provider];
  if (baseUrl === undefined) throw new UsageError(`--provider ${choice.provider} needs --remote <url>`);
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UsageError(`--remote must be a URL like https://example.com, not "${baseUrl}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UsageError('--remote must be an http(s) URL');
  if (parsed.username !== '' || parsed.password !== '') {
    throw new UsageError('--remote must not contain credentials; put the token in HOIST_TOKEN');
  }
  return parsed.toString().replace(/\/$/, '');
}
