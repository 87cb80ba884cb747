import type { RequestContext } from './route.js';

/**
 * One line per request. Only the path is logged: the query of a presigned URL carries its signature,
 * and no header (Authorization, x-api-key) is ever written.
 */
export function formatRequestLine(
  context: RequestContext,
  routeName: string,
  startedAt: number,
  now: number,
): string {
  const { req, res } = context;
  const length = res.getHeader('content-length');
  const bytes = typeof length === 'string' || typeof length === 'number' ? String(length) : '-';
  return [
    new Date(now).toISOString(),
    context.requestId,
    req.method ?? '-',
    context.url.pathname,
    res.headersSent ? String(res.statusCode) : 'aborted',
    `${now - startedAt}ms`,
    `${bytes}B`,
    `user=${context.user?.name ?? '-'}`,
    `route=${routeName}`,
  ].join(' ');
}
