import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultAction } from '../faults.js';
import type { User } from '../users.js';
import type { HttpError } from './http-error.js';

/** Everything a handler gets for one request. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  /** Set by the handler once it has authenticated someone, for the request log. */
  user: User | null;
  /** A fault the plan injected that the handler itself acts out (a failed processing), if any. */
  injected?: FaultAction;
}

export interface Route {
  /** Stable name used in logs, request counters and fault rules, e.g. `alloy.upload-request`. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the raw path; named groups become (percent-decoded) params. */
  pattern: RegExp;
  handle(context: RequestContext): Promise<void>;
  /** Answers an error in this route's dialect. */
  renderError(context: RequestContext, error: HttpError): void;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Finds the route for a request; `methodMismatch` tells a 405 from a 404. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { match: RouteMatch | null; methodMismatch: Route | null } {
  let methodMismatch: Route | null = null;
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      methodMismatch ??= route;
      continue;
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {})) {
      if (value !== undefined) params[name] = value;
    }
    return { match: { route, params }, methodMismatch: null };
  }
  return { match: null, methodMismatch };
}
