import type { FaultAction } from '../faults.js';
import { HttpError } from './http-error.js';
import type { RequestContext } from './route.js';

/** Turns an injected error, throttle or early expiry into the error the route renders. */
export function faultError(action: FaultAction, routeName: string): HttpError | null {
  switch (action.kind) {
    case 'error':
      return new HttpError(
        action.status,
        'INJECTED_FAULT',
        `Injected fault: ${action.status} on ${routeName}`,
      );
    case 'throttle':
      return new HttpError(429, 'RATE_LIMITED', 'Too many requests; retry after the Retry-After delay', {
        'retry-after': String(action.retryAfterSeconds),
      });
    case 'expire':
      // Only presigned URLs expire; on other routes this fault means nothing.
      return routeName.startsWith('object.')
        ? new HttpError(403, 'AccessDenied', 'Request has expired')
        : null;
    default:
      return null;
  }
}

/**
 * Breaks the connection the way a flaky network does: a request with a body loses its connection
 * after the first chunk arrives; a request without one gets headers and half a body, then nothing.
 */
export function resetConnection({ req, res }: RequestContext): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    req.once('data', () => req.socket.destroy());
    req.once('end', () => req.socket.destroy());
    req.resume();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
  res.write('{"truncated":');
  setImmediate(() => res.socket?.destroy());
}
