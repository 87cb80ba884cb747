import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebApp, type RunningWebApp } from '../../electron/host/web/run-web-app.js';
import { CliProcesses } from '../support/cli-process.js';
import { makeTempDir } from '../support/temp-dir.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so the test controls the Host, Origin and Cookie headers exactly. */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket to the bridge; resolves 'open' or the HTTP status it was refused with. */
function upgrade(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

describe('the web host (hoist ui) lets in only this run’s browser', () => {
  let running: RunningWebApp;
  let temp: { path: string; remove: () => Promise<void> };
  let cookie: string;

  beforeEach(async () => {
    temp = await makeTempDir('hoist-webhost-');
    running = await startWebApp({ dataRoot: temp.path, log: () => undefined });
    const exchanged = await get(running.host.openUrl);
    cookie = String(exchanged.headers['set-cookie']).split(';')[0] ?? '';
  });
  afterEach(async () => {
    await running.close();
    await temp.remove();
  });

  it('trades the secret for an HttpOnly, SameSite=Strict cookie and redirects to a clean URL', async () => {
    const secret = new URL(running.host.openUrl).searchParams.get('secret') ?? '';
    // 256 bits of randomness, base64url.
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const answer = await get(running.host.openUrl);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/');
    expect(String(answer.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    expect(String(answer.headers['set-cookie'])).not.toContain(secret);

    const page = await get(running.host.url, { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses requests without the cookie or with a wrong secret', async () => {
    expect((await get(running.host.url)).status).toBe(403);
    expect((await get(`${running.host.url}assets/x.js`)).status).toBe(403);
    expect((await get(`${running.host.url}?secret=not-the-secret`)).status).toBe(403);
    expect((await get(running.host.url, { Cookie: 'hoist_session=guess' })).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, even with the cookie', async () => {
    const port = running.host.port;
    expect((await get(running.host.url, { Cookie: cookie, Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(running.host.url, { Cookie: cookie, Host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await get(running.host.openUrl, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(running.host.url, { Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(running.host.url, { Cookie: cookie, Origin: `http://127.0.0.1:${port}` })).status).toBe(
      200,
    );
  });

  it('refuses a WebSocket upgrade without the cookie, from a foreign Origin or Host, or on another path', async () => {
    const port = running.host.port;
    const bridge = `ws://127.0.0.1:${port}/bridge`;
    const origin = `http://127.0.0.1:${port}`;
    expect(await upgrade(bridge, { Origin: origin })).toBe(403);
    expect(await upgrade(bridge, { Origin: origin, Cookie: 'hoist_session=guess' })).toBe(403);
    expect(await upgrade(bridge, { Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
    expect(await upgrade(bridge, { Origin: origin, Cookie: cookie, Host: `evil.example:${port}` })).toBe(403);
    expect(await upgrade(`ws://127.0.0.1:${port}/other`, { Origin: origin, Cookie: cookie })).toBe(403);
    expect(await upgrade(bridge, { Origin: origin, Cookie: cookie })).toBe('open');
  });

  it('does not serve files outside the renderer', async () => {
    const answer = await get(`${running.host.url}..%2f..%2fpackage.json`, { Cookie: cookie });
    expect(answer.status).not.toBe(200);
  });
});

describe('hoist ui on the command line', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let processes: CliProcesses;
  beforeEach(async () => {
    temp = await makeTempDir('hoist-ui-cli-');
    processes = new CliProcesses(() => temp.path);
  });
  afterEach(async () => {
    await processes.killAll();
    await temp.remove();
  });

  it('prints its usage, and refuses a folder that does not exist with a usage error', async () => {
    const help = await processes.run(['ui', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hoist ui [<folder>] [options]');
    const missing = await processes.run(['ui', '--no-open', `${temp.path}/nowhere`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('prints a link with this run’s secret and stops cleanly on SIGTERM', async () => {
    const cli = processes.spawn(['ui', '--no-open', '--state', `${temp.path}/data`]);
    const [, url] = await cli.waitForStdout(/(http:\/\/127\.0\.0\.1:\d+\/\?secret=[\w-]{43})/);
    expect((await get(url as string)).status).toBe(303);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
