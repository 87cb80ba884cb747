import { SyncError } from '../sync-error.js';
import {
  describeUrl,
  headerText,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
} from './http-types.js';

/** What a non-2xx answer means: status → SyncError, Retry-After, and the server's own words. */

/** Who is speaking and how its error bodies read: the parts of the client's options these need. */
export type FailureWording = Pick<HttpClientOptions, 'label' | 'credentialName' | 'errorMessage'>;

/** The default meaning of a non-2xx status, at time `now` (for a Retry-After date). */
export function classifyStatus(
  response: HttpResponse,
  request: HttpRequest,
  url: URL,
  wording: FailureWording,
  now: number,
): SyncError {
  const { status } = response;
  const { label } = wording;
  const serverSays = serverMessage(response, wording);
  const detail = `${request.method} ${describeUrl(url)}: ${status}${serverSays ? ` ${serverSays}` : ''}`;
  const credential = wording.credentialName ?? 'API token';
  const api = (request.target ?? 'api') === 'api';
  if (api && status === 401) {
    return new SyncError('auth', `${label} rejected the ${credential} (401). Update it in Settings.`, {
      status,
      detail,
    });
  }
  if (api && status === 403) {
    return new SyncError(
      'auth',
      `${label} refused access with this ${credential} (403)${serverSays ? `: ${serverSays}` : ''}. Check its permissions, or update it in Settings.`,
      { status, detail },
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headerText(response.headers['retry-after']), now);
    return new SyncError('remote-rejected', `${label} asked Hoist to slow down (429).`, {
      retryable: true,
      status,
      reason: 'throttled',
      detail,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfter(headerText(response.headers['retry-after']), now);
    return new SyncError(
      'network',
      `${label} could not ${request.action} because of a problem on its side (${status}).`,
      {
        retryable: true,
        status,
        reason: 'server-error',
        detail,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }
  if (status >= 300 && status < 400) {
    const location = headerText(response.headers.location);
    const to = location ? ` to ${describeUrl(new URL(location, url))}` : '';
    return new SyncError(
      'config',
      `${label} redirected the request${to} (${status}). Check the server address in Settings.`,
      { status, reason: 'redirected', detail },
    );
  }
  return new SyncError(
    'remote-rejected',
    `${label} refused to ${request.action}: ${serverSays || `status ${status}`}${serverSays ? ` (${status})` : ''}.`,
    { status, detail },
  );
}

/** The server's own message from an error body, whatever its shape; '' when it says nothing readable. */
export function serverMessage(response: HttpResponse, wording: Pick<FailureWording, 'errorMessage'>): string {
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(response.text) as unknown;
  } catch {
    // Not JSON: the raw text may still say something, unless it is a whole web page.
  }
  const fromDialect = wording.errorMessage?.(parsed, response.text);
  if (fromDialect) return oneLine(fromDialect);
  if (parsed === undefined && response.text.trim() !== '' && !/<html|<!doctype/i.test(response.text)) {
    return oneLine(response.text);
  }
  return '';
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a weekday and a month; anything else (say "-5") is not one.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
