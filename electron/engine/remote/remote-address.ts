import { checkHttpUrl, type HttpUrlProblem } from '../../base/http-url.js';
import { SyncError } from '../sync-error.js';

const MESSAGES: Record<HttpUrlProblem, (label: string) => string> = {
  'not-a-url': (label) => `The address for ${label} is not a valid URL. Check it in Settings.`,
  'not-http': (label) => `The address for ${label} must start with http:// or https://.`,
  'has-credentials': (label) => `The address for ${label} must not contain a user name or password.`,
  'has-query': (label) => `The address for ${label} must be a plain http(s) address, without a query.`,
};

/**
 * The address as a URL, or SyncError('config', reason `bad-url`) saying what is wrong with it in
 * words that fit Settings. `base`: an API's base address, which may not have a query either. The
 * detail never holds the address itself: it may carry a secret (a presigned signature, a password).
 */
export function remoteUrl(text: string, label: string, options: { base?: boolean } = {}): URL {
  const checked = checkHttpUrl(text, options);
  if (checked.url) return checked.url;
  throw new SyncError('config', MESSAGES[checked.problem](label), {
    reason: 'bad-url',
    detail: checked.problem,
  });
}
