import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../electron/server/faults.js';
import { http, s3ErrorCode, type ReadResponse } from '../support/http.js';
import { TEST_USERS, startTestServer, type TestServer } from '../support/test-server.js';
import { sleep } from '../../electron/base/sleep.js';
import { alloyHeaders } from '../support/alloy-requests.js';

const md5Hex = (body: string | Uint8Array): string => createHash('md5').update(body).digest('hex');

/** A request outcome: the response read to the end, or the network error that broke it. */
type Outcome = { ok: true; response: ReadResponse } | { ok: false; error: Error };

async function attempt(url: string, init: Parameters<typeof http>[1] = {}): Promise<Outcome> {
  try {
    return { ok: true, response: await http(url, init) };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** `status` or `network-error`, for comparing runs. */
const label = (outcome: Outcome): string => (outcome.ok ? String(outcome.response.status) : 'network-error');

/** Everything unexpected the process sees while a test runs; the server lives in this process. */
function watchForCrashes(): { problems: unknown[]; stop: () => void } {
  const problems: unknown[] = [];
  const onProblem = (reason: unknown): void => {
    problems.push(reason);
  };
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  return {
    problems,
    stop: () => {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
    },
  };
}

describe('fault injection over HTTP', () => {
  let remote: TestServer;
  let crashes: ReturnType<typeof watchForCrashes>;

  let closeRemote: (() => Promise<void>) | null = null;

  beforeEach(async () => {
    crashes = watchForCrashes();
    const server = await startTestServer();
    closeRemote = () => server.close();
    remote = server;
  });
  afterEach(async () => {
    const close = closeRemote;
    closeRemote = null;
    await close?.();
    // Let late socket errors and rejections surface before deciding nothing went wrong.
    await new Promise((resolve) => setImmediate(resolve));
    crashes.stop();
    expect(crashes.problems).toEqual([]);
  });

  const setFaults = (plan: FaultPlan | null): void => remote.server.faults.set(plan);

  const alloyList = () => attempt(`${remote.url}/connectors/files/list`, { headers: alloyHeaders() });

  const requestUpload = async (filename: string, body: string | Uint8Array) => {
    const answer = await http(`${remote.url}/connectors/files/upload/request`, {
      method: 'POST',
      headers: alloyHeaders(),
      body: JSON.stringify({ filename, mimeType: 'application/octet-stream', md5: md5Hex(body) }),
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.json<{ presignedUrl: { md5: string; presignedUrl: string } }>().presignedUrl;
  };

  const put = (ticket: { md5: string; presignedUrl: string }, body: string | Uint8Array) =>
    attempt(ticket.presignedUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-md5': ticket.md5 },
      body,
    });

  const listedNames = async (): Promise<string[]> => {
    const outcome = await alloyList();
    if (!outcome.ok) throw outcome.error;
    expect(outcome.response.status).toBe(200);
    return outcome.response.json<{ files: Array<{ filename: string }> }>().files.map((file) => file.filename);
  };

  /** Upload temp files are what a broken PUT could leave behind. */
  const tempFiles = (): Promise<string[]> => readdir(join(remote.dataDir, 'tmp'));

  const expectServerHealthy = async (): Promise<void> => {
    const outcome = await alloyList();
    expect(
      outcome.ok && outcome.response.status,
      outcome.ok ? outcome.response.text : outcome.error.message,
    ).toBe(200);
  };

  it('injects nothing without a plan', async () => {
    expect(remote.server.faults.active).toBe(false);
    const ticket = await requestUpload('plain.bin', 'plain bytes');
    const outcomes = [await put(ticket, 'plain bytes')];
    for (let index = 0; index < 20; index++) outcomes.push(await alloyList());
    expect(outcomes.map(label)).toEqual(Array(21).fill('200'));
  });

  it('takes a plan at start', async () => {
    const faulty = await startTestServer({
      faults: { seed: 1, routes: { 'alloy.list': { errorRate: 1, errorStatus: 502 } } },
    });
    try {
      expect(faulty.server.faults.active).toBe(true);
      const list = await http(`${faulty.url}/connectors/files/list`, { headers: alloyHeaders() });
      expect(list.status).toBe(502);
    } finally {
      await faulty.close();
    }
  });

  it('delays the routes it is told to, and only those', async () => {
    setFaults({ seed: 1, routes: { 'alloy.list': { latencyMs: 300 } } });
    let started = performance.now();
    const slow = await alloyList();
    const slowMs = performance.now() - started;
    started = performance.now();
    const fast = await attempt(`${remote.url}/api/v1/files/`, {
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    const fastMs = performance.now() - started;
    expect([label(slow), label(fast)]).toEqual(['200', '200']);
    expect(slowMs).toBeGreaterThanOrEqual(290);
    expect(fastMs).toBeLessThan(slowMs);
  });

  it('answers injected errors in each route’s dialect', async () => {
    setFaults({ seed: 1, routes: { '*': { errorRate: 1 }, 'composio.*': { errorStatus: 503 } } });

    const alloy = await alloyList();
    expect(label(alloy)).toBe('500');
    if (alloy.ok) {
      expect(alloy.response.json()).toEqual({
        error: { message: expect.stringContaining('Injected fault'), code: 'INJECTED_FAULT' },
      });
    }

    const composio = await http(`${remote.url}/api/v3/files/list`, {
      headers: { 'x-api-key': TEST_USERS.alice.token },
    });
    expect(composio.status).toBe(503);
    expect(composio.json()).toMatchObject({
      error: { code: 503, status: 503, slug: 'INJECTED_FAULT', message: expect.any(String) },
    });

    const owui = await http(`${remote.url}/api/v1/files/`, {
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    expect(owui.status).toBe(500);
    expect(owui.json()).toEqual({ detail: expect.stringContaining('Injected fault') });

    setFaults(null);
    const ticket = await requestUpload('error.bin', 'some bytes');
    setFaults({ seed: 1, routes: { 'object.put': { errorRate: 1 } } });
    const objectPut = await put(ticket, 'some bytes');
    expect(label(objectPut)).toBe('500');
    if (objectPut.ok) {
      expect(objectPut.response.headers.get('content-type')).toBe('application/xml');
      expect(s3ErrorCode(objectPut.response.text)).toBe('InternalError');
    }
    setFaults(null);
    expect(await listedNames()).toEqual([]);
  });

  it('throttles with 429 and Retry-After', async () => {
    setFaults({ seed: 1, routes: { 'alloy.*': { throttleRate: 1, retryAfterSeconds: 7 } } });
    const list = await alloyList();
    expect(label(list)).toBe('429');
    if (list.ok) {
      expect(list.response.headers.get('retry-after')).toBe('7');
      expect(list.response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    }

    setFaults(null);
    const ticket = await requestUpload('slow.bin', 'slow down');
    setFaults({ seed: 1, routes: { 'object.put': { throttleRate: 1 } } });
    const objectPut = await put(ticket, 'slow down');
    expect(label(objectPut)).toBe('429');
    if (objectPut.ok) {
      expect(objectPut.response.headers.get('retry-after')).toBe('1');
      expect(s3ErrorCode(objectPut.response.text)).toBe('SlowDown');
    }
  });

  it('cuts a list response mid-body: the client sees a network error', async () => {
    setFaults({ seed: 1, routes: { 'alloy.list': { resetRate: 1 } } });
    const list = await alloyList();
    expect(label(list)).toBe('network-error');
    expect(remote.server.requestCounts.get('alloy.list')).toBe(1);
    setFaults(null);
    await expectServerHealthy();
  });

  it('cuts a presigned PUT: the client sees a network error and nothing is stored', async () => {
    const small = Buffer.from('reset me');
    const large = Buffer.alloc(3 * 1024 * 1024, 7);
    const smallTicket = await requestUpload('small.bin', small);
    const largeTicket = await requestUpload('large.bin', large);
    setFaults({ seed: 1, routes: { 'object.put': { resetRate: 1 } } });

    expect(label(await put(smallTicket, small))).toBe('network-error');
    expect(label(await put(largeTicket, large))).toBe('network-error');
    expect(remote.server.requestCounts.get('object.put')).toBe(2);

    setFaults(null);
    expect(await listedNames()).toEqual([]);
    expect(await tempFiles()).toEqual([]);
    // The URL is still good: once the network behaves, the same PUT lands.
    expect(label(await put(largeTicket, large))).toBe('200');
    expect(await listedNames()).toEqual(['large.bin']);
  });

  it('cuts an Open WebUI upload: nothing is stored', async () => {
    setFaults({ seed: 1, routes: { 'owui.upload': { resetRate: 1 } } });
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(512 * 1024, 1)]), 'cut.bin');
    const upload = await attempt(`${remote.url}/api/v1/files/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
      body: form,
    });
    expect(label(upload)).toBe('network-error');
    setFaults(null);
    const files = await http(`${remote.url}/api/v1/files/`, {
      headers: { authorization: `Bearer ${TEST_USERS.alice.token}` },
    });
    expect(files.json()).toEqual([]);
    expect(await tempFiles()).toEqual([]);
  });

  // A real network fault rather than an injected one: the client dies while its body is streaming.
  it('cleans up after a client that vanishes mid-body (presigned PUT and Open WebUI upload)', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 9);
    const ticket = await requestUpload('vanish.bin', body);
    const putUrl = new URL(ticket.presignedUrl);
    await sendPartialRequest(
      remote.url,
      [
        `PUT ${putUrl.pathname}${putUrl.search} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Content-Type: application/octet-stream',
        `Content-MD5: ${ticket.md5}`,
        `Content-Length: ${body.length}`,
      ],
      body.subarray(0, 256 * 1024),
    );
    const boundary = 'hoist-boundary';
    await sendPartialRequest(
      remote.url,
      [
        'POST /api/v1/files/ HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${TEST_USERS.alice.token}`,
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${body.length + 200}`,
      ],
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="vanish.bin"\r\n` +
            'Content-Type: application/octet-stream\r\n\r\n',
        ),
        body.subarray(0, 256 * 1024),
      ]),
    );
    // The handlers learn of the disconnect asynchronously; give them a moment, not a fixed sleep.
    const deadline = Date.now() + 3000;
    while ((await tempFiles()).length > 0 && Date.now() < deadline) {
      await sleep(25);
    }
    expect(await tempFiles()).toEqual([]);
    expect(await listedNames()).toEqual([]);
  });

  it('expires presigned URLs early with S3’s AccessDenied', async () => {
    const ticket = await requestUpload('late.bin', 'too late');
    setFaults({ seed: 1, routes: { 'object.put': { expireRate: 1 }, 'alloy.list': { expireRate: 1 } } });
    const objectPut = await put(ticket, 'too late');
    expect(label(objectPut)).toBe('403');
    if (objectPut.ok) {
      expect(s3ErrorCode(objectPut.response.text)).toBe('AccessDenied');
      expect(objectPut.response.text).toContain('<Message>Request has expired</Message>');
    }
    // Expiry means nothing on a route without a presigned URL.
    expect(await listedNames()).toEqual([]);
  });

  it('repeats the same outcomes for the same seed, request after request', async () => {
    const plan: FaultPlan = {
      seed: 2024,
      routes: { 'alloy.list': { errorRate: 0.25, throttleRate: 0.25, resetRate: 0.25 } },
    };
    const run = async (server: TestServer): Promise<string[]> => {
      server.server.faults.set(plan);
      const outcomes: string[] = [];
      for (let index = 0; index < 30; index++) {
        outcomes.push(
          label(await attempt(`${server.url}/connectors/files/list`, { headers: alloyHeaders() })),
        );
      }
      return outcomes;
    };
    const first = await run(remote);
    const other = await startTestServer();
    try {
      expect(await run(other)).toEqual(first);
    } finally {
      await other.close();
    }
    expect(new Set(first)).toEqual(new Set(['200', '500', '429', 'network-error']));
    setFaults(null);
    await expectServerHealthy();
  });

  it('survives a storm of mixed faults on every route and keeps answering', async () => {
    setFaults({
      seed: 99,
      routes: {
        '*': { latencyMs: [0, 5], errorRate: 0.2, throttleRate: 0.1, resetRate: 0.3, expireRate: 0.2 },
      },
    });
    const body = Buffer.alloc(200 * 1024, 3);
    const work: Array<Promise<Outcome>> = [];
    for (let index = 0; index < 40; index++) {
      work.push(alloyList());
      work.push(
        (async (): Promise<Outcome> => {
          const request = await attempt(`${remote.url}/connectors/files/upload/request`, {
            method: 'POST',
            headers: alloyHeaders(),
            body: JSON.stringify({
              filename: `f${index}.bin`,
              mimeType: 'application/octet-stream',
              md5: md5Hex(body),
            }),
          });
          if (!request.ok || request.response.status !== 200) return request;
          const ticket = request.response.json<{ presignedUrl: { md5: string; presignedUrl: string } }>();
          return put(ticket.presignedUrl, body);
        })(),
      );
    }
    const outcomes = (await Promise.all(work)).map(label);
    expect(outcomes).toContain('network-error');
    expect(outcomes).toContain('200');
    setFaults(null);
    await expectServerHealthy();
    // Whatever landed landed whole; whatever broke left no temp file behind.
    expect(await tempFiles()).toEqual([]);
  });
});

/** Sends a request's head and part of its body, waits until the server has read some, then vanishes. */
async function sendPartialRequest(baseUrl: string, head: string[], partialBody: Buffer): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.write(partialBody, () => resolve()));
    // Let the server start streaming the body to its temp file before the connection dies.
    await sleep(100);
  } finally {
    socket.destroy();
  }
}
