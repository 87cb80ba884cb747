import type { ConnectionTestView } from '../../shared/bridge/contract.js';
import type { ProviderKind } from '../../shared/sync-types.js';
import { createProvider } from '../engine/remote/create-provider.js';
import { SyncError, toSyncError } from '../engine/sync-error.js';
import { isEmbedded, remoteIdentityOf, remoteIdentityOrNull } from './remote-identity.js';

// Long enough for a slow remote to list a first page, short enough that a person is not left waiting.
const TEST_TIMEOUT_MS = 15_000;

/**
 * "Test connection": lists the remote once with the given URL and token and says in words what
 * happened. The token is used for this one request and kept nowhere.
 */
export async function testConnection(
  provider: ProviderKind,
  remoteUrl: string | undefined,
  token: string | null,
): Promise<ConnectionTestView> {
  let url;
  try {
    url = remoteIdentityOf(provider, remoteUrl);
  } catch (error) {
    if (error instanceof SyncError && error.reason === 'missing-url') {
      return { ok: false, message: 'Enter the server URL first.' };
    }
    return { ok: false, message: toSyncError(error, 'config').message };
  }
  if (isEmbedded(url)) {
    return { ok: true, message: 'This computer keeps the files itself: no account or network needed.' };
  }
  if (token === null) {
    return {
      ok: false,
      message:
        'No API token for this remote: type its token to test it. A token kept for another remote is never sent here.',
    };
  }
  let remote;
  try {
    remote = await createProvider({ kind: provider, baseUrl: url, token });
  } catch (error) {
    return { ok: false, message: toSyncError(error, 'config').message };
  }
  const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  try {
    // Counted as the listing passes: a remote of a million files is not held in memory to count it.
    let files = 0;
    await remote.listInBatches((batch) => {
      files += batch.length;
    }, signal);
    return {
      ok: true,
      message: `Connected to ${remote.info.label}: ${files.toLocaleString('en')} file${files === 1 ? '' : 's'} there.`,
    };
  } catch (error) {
    if (signal.aborted)
      return { ok: false, message: `${remote.info.label} did not answer within 15 seconds.` };
    const syncError = toSyncError(error, 'network');
    return { ok: false, message: syncError.message, tokenRejected: syncError.category === 'auth' };
  } finally {
    await remote.close();
  }
}

/**
 * Save's own check before switching to a remote: one page of its listing with the token that would
 * be used. Only a rejection counts against the switch (an unreachable remote may be offline for now,
 * and the pair reports that itself); returns the rejection's words, or null.
 */
export async function tokenRejection(
  provider: ProviderKind,
  remoteUrl: string | undefined,
  token: string,
): Promise<string | null> {
  const url = remoteIdentityOrNull(provider, remoteUrl);
  // A bad URL is the pair's own configuration error, said when it opens.
  if (url === null || isEmbedded(url)) return null;
  let remote;
  try {
    remote = await createProvider({ kind: provider, baseUrl: url, token });
  } catch {
    return null;
  }
  const enough = new AbortController();
  const signal = AbortSignal.any([enough.signal, AbortSignal.timeout(TEST_TIMEOUT_MS)]);
  try {
    // The first page answers the question; a million-file listing is not read for it.
    await remote.listInBatches(() => enough.abort(), signal);
    return null;
  } catch (error) {
    if (signal.aborted) return null;
    const syncError = toSyncError(error, 'network');
    return syncError.category === 'auth' ? syncError.message : null;
  } finally {
    await remote.close();
  }
}
