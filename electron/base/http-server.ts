import { createRequire } from 'node:module';
import type * as Http from 'node:http';

/**
 * node:http's `createServer`, loaded the CommonJS way. An ES `import … from 'node:http'` makes Node
 * build that module's ES facade, which reads every export, and Node 24's http exports `WebSocket`,
 * `CloseEvent` and `MessageEvent` as getters that load Node's own bundled undici (and zlib): about
 * 0.03 s of CPU at every start for a server that uses none of them (docs/benchmarks.md, Start-up).
 * `require` returns the same module object without building the facade.
 */
export const createServer: typeof Http.createServer = (
  createRequire(import.meta.url)('node:http') as typeof Http
).createServer;
