import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPENER_PAGE, startWebApp, type RunningWebApp } from '../../electron/host/web/run-web-app.js';
import { findAppIcon } from '../../electron/host/web/static-files.js';
import { CLI, CliProcesses } from '../support/cli-process.js';
import { until } from '../support/poll-until.js';
import { watchCommandLines } from '../support/secret-scan.js';
import { makeTempDir } from '../support/temp-dir.js';
import {
  UI_LINK,
  bridgeUrl,
  httpGet as get,
  openLink,
  tryBridge,
  type UiSession,
} from '../support/ui-session.js';

describe('the web host (hoist ui) lets in only the tab that opened its link', () => {
  let running: RunningWebApp;
  let temp: { path: string; remove: () => Promise<void> };
  let session: UiSession;

  beforeEach(async () => {
    temp = await makeTempDir('hoist-webhost-');
    running = await startWebApp({ dataRoot: temp.path, log: () => undefined });
    session = await openLink(running.host.newLink());
  });
  afterEach(async () => {
    await running.close();
    await temp.remove();
  });

  it('trades a link once for a page address and an HttpOnly cookie scoped to it; the key stays in the fragment', async () => {
    const link = running.host.newLink();
    const [address, fragment] = link.split('#');
    // 256 bits each, base64url; the key is only after '#', which no HTTP request carries.
    expect(address).toMatch(/\/login\?once=[\w-]{43}$/);
    expect(fragment).toMatch(/^key=[\w-]{43}$/);
    const answer = await get(address as string);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toMatch(/^\/s\/[\w-]{43}\/$/);
    const setCookie = String(answer.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(`HttpOnly; SameSite=Lax; Path=${String(answer.headers.location).replace(/\//g, '\\/')}$`),
    );
    expect(setCookie + answer.headers.location).not.toContain(fragment?.slice(4));

    const page = await get(session.page, { Cookie: session.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses a second use of a link', async () => {
    const link = running.host.newLink();
    // A HEAD (a link checker, a preview) does not spend it.
    expect((await get(link.split('#')[0] as string, {}, 'HEAD')).status).toBe(403);
    expect((await openLink(link)).cookie).toMatch(/^hoist_session=[\w-]{43}$/);
    const again = await get(link.split('#')[0] as string);
    expect(again.status).toBe(403);
    expect(again.body).toMatch(/used already or is not valid/);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('does not load the page with the cookie alone, nor with the page address alone', async () => {
    const origin = session.origin;
    expect((await get(`${origin}/`, { Cookie: session.cookie })).status).toBe(403);
    expect((await get(`${origin}/assets/x.js`, { Cookie: session.cookie })).status).toBe(403);
    expect((await get(session.page)).status).toBe(403);
    expect((await get(session.page, { Cookie: 'hoist_session=guess' })).status).toBe(403);
    expect((await get(`${origin}/login?once=not-a-link`)).status).toBe(403);
    // Another session's cookie does not open this session's page.
    const other = await openLink(running.host.newLink());
    expect((await get(session.page, { Cookie: other.cookie })).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, even with the cookie', async () => {
    const port = running.host.port;
    const cookie = { Cookie: session.cookie };
    expect((await get(session.page, { ...cookie, Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(session.page, { ...cookie, Host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    const link = running.host.newLink().split('#')[0] as string;
    expect((await get(link, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(session.page, { ...cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(session.page, { ...cookie, Origin: session.origin })).status).toBe(200);
  });

  it('opens the bridge only from its own Origin, with the cookie, proving the page key first', async () => {
    const bridge = bridgeUrl(session);
    const origin = session.origin;
    const port = running.host.port;
    const hello = { type: 'hello', key: session.key };
    const cookie = session.cookie;
    // The cookie replayed by a script: no Origin, or the right Origin but not the page key.
    expect(await tryBridge(bridge, { Cookie: cookie }, hello)).toBe(403);
    expect(await tryBridge(bridge, { Origin: origin, Cookie: cookie }, { type: 'hello' })).toBe(4401);
    expect(await tryBridge(bridge, { Origin: origin, Cookie: cookie }, { type: 'hello', key: 'guess' })).toBe(
      4401,
    );
    expect(
      await tryBridge(
        bridge,
        { Origin: origin, Cookie: cookie },
        { type: 'request', id: 1, command: 'app.get' },
      ),
    ).toBe(4401);
    // Other origins, hosts, paths, cookies.
    expect(await tryBridge(bridge, { Origin: 'http://evil.example', Cookie: cookie }, hello)).toBe(403);
    expect(await tryBridge(bridge, { Origin: `http://127.0.0.1:${port + 1}`, Cookie: cookie }, hello)).toBe(
      403,
    );
    expect(
      await tryBridge(bridge, { Origin: origin, Cookie: cookie, Host: `evil.example:${port}` }, hello),
    ).toBe(403);
    expect(await tryBridge(bridge, { Origin: origin }, hello)).toBe(403);
    expect(await tryBridge(`ws://127.0.0.1:${port}/bridge`, { Origin: origin, Cookie: cookie }, hello)).toBe(
      403,
    );
    expect(
      await tryBridge(bridge.replace(/bridge$/, 'other'), { Origin: origin, Cookie: cookie }, hello),
    ).toBe(403);
    // The page itself: all three.
    expect(await tryBridge(bridge, { Origin: origin, Cookie: cookie }, hello)).toBe('open');
  });

  it('does not serve files outside the renderer', async () => {
    const answer = await get(`${session.page}..%2f..%2fpackage.json`, { Cookie: session.cookie });
    expect(answer.status).not.toBe(200);
  });

  it('answers /favicon.ico with the app icon', async () => {
    const icon = await get(`${session.origin}/favicon.ico`, { Cookie: session.cookie });
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    const expected = await readFile(findAppIcon() ?? '');
    expect(Number(icon.headers['content-length'])).toBe(expected.length);
  });

  it('changes nothing over HTTP: only GET is answered', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect((await get(session.page, { Cookie: session.cookie }, method)).status, method).toBe(405);
    }
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

  it('prints its usage, and refuses a folder that does not exist in one line, exit 2', async () => {
    const help = await processes.run(['ui', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hoist ui [<folder>] [options]');
    const missing = await processes.run(['ui', '--no-open', `${temp.path}/nowhere`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    expect(missing.stderr).not.toContain('Usage:');
  });

  it('opens the browser with a page only this user can read, never the link on a command line', async () => {
    // The "browser": records the arguments it was given, as every local user could see them.
    const recorded = join(temp.path, 'browser-argv.txt');
    const browser = join(temp.path, 'browser.sh');
    await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > '${recorded}'\n`, { mode: 0o700 });
    const dataRoot = join(temp.path, 'data');
    const cli = processes.spawn(['ui', '--state', dataRoot], { BROWSER: browser });
    const commandLines = watchCommandLines(cli.child.pid ?? 0);
    try {
      const [, link] = await cli.waitForStdout(UI_LINK, 30_000);
      expect(cli.stdout()).toMatch(/opening in your browser/);
      await until(
        'the browser was started',
        async () => (await readFile(recorded, 'utf8').catch(() => '')) !== '',
      );
      const argv = (await readFile(recorded, 'utf8')).trim();
      // The browser got a file:// page in the data root, readable by this user only, forwarding to the link.
      expect(argv).toBe(pathToFileURL(join(dataRoot, OPENER_PAGE)).href);
      const page = join(dataRoot, OPENER_PAGE);
      expect((await stat(page)).mode & 0o777).toBe(0o600);
      const forwarded = /url=([^"]+)"/.exec(await readFile(page, 'utf8'))?.[1];
      expect(forwarded).toBe(link);
      const once = new URL(link as string).searchParams.get('once') ?? '';
      const key = new URL(link as string).hash.slice('#key='.length);
      const lines = [...commandLines.seen, argv];
      expect(lines.some((line) => line.includes('dist/electron/cli/main.js'))).toBe(true);
      expect(lines.filter((line) => line.includes(once) || line.includes(key))).toEqual([]);
      // Used once by the browser, the link (printed or in the page) opens nothing more.
      await openLink(link as string);
      expect((await get((link as string).split('#')[0] as string)).status).toBe(403);
    } finally {
      commandLines.stop();
    }
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    // The forwarding page goes with the run.
    await expect(stat(join(dataRoot, OPENER_PAGE))).rejects.toThrow(/ENOENT/);
  });

  it('refuses the cookie replayed by another process, with or without the page’s Origin', async () => {
    const cli = processes.spawn(['ui', '--no-open', '--state', join(temp.path, 'data')]);
    const [, link] = await cli.waitForStdout(UI_LINK, 30_000);
    const session = await openLink(link as string);
    const hello = { type: 'hello', key: session.key };
    const stolen = { Cookie: session.cookie };
    // What a listener on another port of 127.0.0.1 receives from the browser is the cookie only.
    expect((await get(`${session.origin}/`, stolen)).status).toBe(403);
    expect(
      await tryBridge(
        `${session.origin.replace('http', 'ws')}/bridge`,
        { ...stolen, Origin: session.origin },
        hello,
      ),
    ).toBe(403);
    expect(await tryBridge(bridgeUrl(session), stolen, { type: 'hello' })).toBe(403);
    expect(
      await tryBridge(bridgeUrl(session), { ...stolen, Origin: session.origin }, { type: 'hello' }),
    ).toBe(4401);
    // The person's page, with all three, is answered.
    expect(await tryBridge(bridgeUrl(session), { ...stolen, Origin: session.origin }, hello)).toBe('open');
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('in a terminal, Enter prints a new link, which works once like the first', async () => {
    // `script` gives hoist ui a terminal (a pty) for stdin, as a person's shell does.
    const command = [process.execPath, CLI, 'ui', '--no-open', '--state', join(temp.path, 'data')]
      .map((part) => `'${part}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, HOIST_HOME: join(temp.path, 'home') },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise((resolve) => child.once('close', resolve));
    const links = (): string[] =>
      [...output.matchAll(new RegExp(UI_LINK, 'g'))].map((match) => match[1] as string);
    try {
      await until(
        'hoist ui offers new links',
        () => /Press Enter for a new link/.test(output) && links().length === 1,
      );
      child.stdin.write('\r');
      await until('a second link is printed', () => links().length === 2);
      const [first, second] = links() as [string, string];
      expect(second).not.toBe(first);
      expect((await openLink(second)).key).toBe(new URL(second).hash.slice('#key='.length));
      expect((await get(second.split('#')[0] as string)).status).toBe(403);
      expect((await openLink(first)).cookie).toMatch(/^hoist_session=/);
    } finally {
      // Ctrl-C through the terminal: SIGINT to hoist ui, which stops cleanly.
      child.stdin.write('\u0003');
      await exited;
    }
    expect(output).toMatch(/SIGINT: stopping/);
  });
});
