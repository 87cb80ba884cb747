/**
 * What can be wrong with an address Hoist is to send requests to:
 * - `not-a-url`: WHATWG URL parsing refuses it;
 * - `not-http`: another scheme (ftp:, file:, …);
 * - `has-credentials`: a user name or password in it, which would travel in the clear and show
 *   up in logs (tokens go in headers);
 * - `has-query`: a query or fragment in a base address, where paths are appended and it would be
 *   lost or misplaced (only checked with `base: true`: presigned URLs carry their signature there).
 */
export type HttpUrlProblem = 'not-a-url' | 'not-http' | 'has-credentials' | 'has-query';

export type HttpUrlCheck = { url: URL; problem?: undefined } | { url?: undefined; problem: HttpUrlProblem };

/**
 * The one check of an http(s) address on the Node side. It returns the problem rather than
 * throwing, so each layer words it in its own terms (a SyncError for the engine, a usage error for
 * the CLI) while the rule itself lives once.
 */
export function checkHttpUrl(text: string, options: { base?: boolean } = {}): HttpUrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'not-a-url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'not-http' };
  if (url.username !== '' || url.password !== '') return { problem: 'has-credentials' };
  if (options.base === true && (url.search !== '' || url.hash !== '')) return { problem: 'has-query' };
  return { url };
}
