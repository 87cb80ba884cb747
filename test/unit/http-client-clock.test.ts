import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../electron/engine/remote/http-client.js';
import { FakeClock } from '../support/fake-clock.js';
import { sleep } from '../../electron/base/sleep.js';

// The client's own waits (the throttle gate after a 429, the grace of close) on a clock the test
// drives: the real network is still used, only time is not.

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (url: string) => ({ method: 'GET' as const, url, action: 'list files' });

describe('HttpClient on a clock', () => {
  it('holds requests behind a 429 until its Retry-After has passed on the clock', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 429 : 200, calls === 1 ? { 'retry-after': '30' } : {});
      res.end('{}');
    });
    const clock = new FakeClock();
    const client = new HttpClient({ label: 'Alloy', clock });
    await expect(client.request(get(url))).rejects.toMatchObject({ status: 429, retryAfterMs: 30_000 });
    expect(client.throttledUntil).toBe(clock.now() + 30_000);

    let answered = false;
    const held = client.request(get(url)).then((response) => {
      answered = true;
      return response;
    });
    await clock.advance(29_999);
    expect(answered).toBe(false);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect((await held).status).toBe(200);
    expect(calls).toBe(2);
    await client.close(0);
  });

  it('holds requests no longer than a retry would wait, whatever Retry-After asks (a day here)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': String(24 * 3600) });
      res.end('{}');
    });
    const clock = new FakeClock();
    const client = new HttpClient({ label: 'Alloy', clock });
    await expect(client.request(get(url))).rejects.toMatchObject({ retryAfterMs: 24 * 3600_000 });
    expect(client.throttledUntil).toBe(clock.now() + 5 * 60_000);
    // The same for a streamed request (a listing read as it arrives).
    await clock.advance(5 * 60_000);
    await expect(client.requestStream(get(url))).rejects.toMatchObject({ retryAfterMs: 24 * 3600_000 });
    expect(client.throttledUntil).toBe(clock.now() + 5 * 60_000);
    await client.close(0);
  });

  it('gives requests in flight the grace of close on the clock, then cuts them', async () => {
    const url = await serve(() => undefined); // never answers
    const clock = new FakeClock();
    const client = new HttpClient({ label: 'Alloy', clock });
    const pending = client.request(get(url)).catch((error: unknown) => error);
    await sleep(20); // the request reaches the server
    let closed = false;
    const closing = client.close(5_000).then(() => (closed = true));
    await clock.advance(4_999);
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(await pending).toMatchObject({ category: 'network' });
  });
});
