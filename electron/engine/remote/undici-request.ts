import { createRequire } from 'node:module';
import type * as Undici from 'undici';

// undici's index loads its whole surface (fetch, WebSocket, EventSource, caches, mocks: 110 modules)
// to offer the two things Hoist uses, an Agent and request(). Those two load 31 of them: measured on
// Node 24 with the compile cache warm, 0.07 s of CPU instead of 0.16 s, paid by every `hoist` run that
// talks to a remote (docs/benchmarks.md, Start-up). The version is pinned exactly in package.json;
// test/integration/provider-*.test.ts drive every request through here.
const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;

const api = require('undici/lib/api/index.js') as {
  request: (
    this: Undici.Dispatcher,
    options: Undici.Dispatcher.RequestOptions,
  ) => Promise<Undici.Dispatcher.ResponseData>;
};

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> &
  Partial<Pick<Undici.Dispatcher.RequestOptions, 'method'>> & { dispatcher: Undici.Dispatcher };

/** undici's request(url, options) with the dispatcher given, as its index builds it (makeDispatcher). */
export function request(url: URL, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  return api.request.call(dispatcher, {
    ...rest,
    origin: url.origin,
    path: url.search ? `${url.pathname}${url.search}` : url.pathname,
    method: options.method ?? (options.body ? 'PUT' : 'GET'),
  });
}
