/* global fetch, AbortSignal -- Node's own (Node 18+); the lint config lists only the globals every script uses. */
// Whether a download host answers at all, asked once with a short deadline before setup starts a download
// that could otherwise wait minutes on a network that swallows packets (Node's fetch waits 300 s for
// response headers). Any HTTP answer counts, even 404: the host is there, the downloader decides the rest.

/** How long the probe waits for any answer. A reachable host answers a HEAD in well under a second. */
export const PROBE_TIMEOUT_MS = 5000;

// Node's fetch ignores proxy variables, so behind a proxy the probe would fail where the downloader
// (which honours them) could succeed: there the probe is skipped and only the download's own cap applies.
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ELECTRON_GET_USE_PROXY'];

export function proxyConfigured(env = process.env) {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

/**
 * Resolves { reachable: true } when `url`'s host answers within the deadline, otherwise
 * { reachable: false, reason } with a few words a person can read ("connection refused", "no answer in 5 s").
 */
export async function probe(url, timeoutMs = PROBE_TIMEOUT_MS) {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { reachable: true };
  } catch (error) {
    return { reachable: false, reason: probeFailure(error, timeoutMs) };
  }
}

function probeFailure(error, timeoutMs) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError')
    return `no answer in ${timeoutMs / 1000} s`;
  const code = error?.cause?.code ?? error?.code;
  const words = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'the name does not resolve',
    EAI_AGAIN: 'the name does not resolve',
    ECONNRESET: 'the connection was reset',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the host is unreachable',
    ETIMEDOUT: 'the connection timed out',
  };
  return words[code] ?? (code ? String(code) : (error?.message ?? 'unknown error'));
}
